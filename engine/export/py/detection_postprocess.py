def _stable_desc(idx, v):
    """idx ordered by decreasing v[idx], ties in their order (a stable sort)."""
    idx = np.asarray(idx, dtype=np.int64)
    return idx[np.argsort(-v[idx], kind="stable")]


def _iou(b, others):
    """ComputeIntersectionOverUnion of box b with each of others, in float32; 0 when
    either box has no area."""
    area_a = (b[2] - b[0]) * (b[3] - b[1])
    area_b = (others[:, 2] - others[:, 0]) * (others[:, 3] - others[:, 1])
    h = np.maximum(np.minimum(b[2], others[:, 2]) - np.maximum(b[0], others[:, 0]), np.float32(0))
    w = np.maximum(np.minimum(b[3], others[:, 3]) - np.maximum(b[1], others[:, 1]), np.float32(0))
    inter = h * w
    v = (inter / (area_a + area_b - inter)).astype(np.float32)
    return np.where((area_a <= 0) | (area_b <= 0), np.float32(0), v)


def _nms(boxes, scores, max_detections, score_threshold, iou_threshold):
    """NonMaxSuppressionSingleClassHelper: the candidates with score >= threshold in
    decreasing score (stable), each kept unless its IoU with a kept box is above the
    threshold, at most max_detections; returns the kept anchors, best first."""
    if ((boxes[:, 0] > boxes[:, 2]) | (boxes[:, 1] > boxes[:, 3])).any():
        raise ModelError("TFLite_Detection_PostProcess: a decoded box has ymin > ymax or xmin > xmax "
                         "(TFLite's ValidateBoxes fails)")
    keep = _stable_desc(np.nonzero(scores >= score_threshold)[0], scores)
    out_size = min(len(keep), max_detections)
    active = np.ones(len(keep), dtype=bool)
    num_active = len(keep)
    selected = []
    for i in range(len(keep)):
        if num_active == 0 or len(selected) >= out_size:
            break
        if not active[i]:
            continue
        selected.append(int(keep[i]))
        active[i] = False
        num_active -= 1
        rest = keep[i + 1:]
        suppress = active[i + 1:] & (_iou(boxes[keep[i]], boxes[rest]) > iou_threshold)
        num_active -= int(suppress.sum())
        active[i + 1:] &= ~suppress
    return selected


def _libcxx_partial_sort(values, k):
    """The indices of the k largest values, largest first, in the order libc++'s
    std::partial_sort leaves equal values (a heap of the first k; each later element
    that compares before the heap's top replaces it; then the heap is sorted)."""
    a = list(range(len(values)))
    comp = lambda x, y: values[x] > values[y]

    def sift_down(n, start):
        child = start
        if n < 2 or (n - 2) // 2 < child:
            return
        child = 2 * child + 1
        if child + 1 < n and comp(a[child], a[child + 1]):
            child += 1
        if comp(a[child], a[start]):
            return
        top = a[start]
        while True:
            a[start] = a[child]
            start = child
            if (n - 2) // 2 < child:
                break
            child = 2 * child + 1
            if child + 1 < n and comp(a[child], a[child + 1]):
                child += 1
            if comp(a[child], top):
                break
        a[start] = top

    for start in range((k - 2) // 2, -1, -1):
        sift_down(k, start)
    for i in range(k, len(a)):
        if comp(a[i], a[0]):
            a[i], a[0] = a[0], a[i]
            sift_down(k, 0)
    for n in range(k, 1, -1):
        a[0], a[n - 1] = a[n - 1], a[0]
        sift_down(n - 1, 0)
    return a[:k]


def detection_postprocess(box_encodings, class_scores, anchors, max_detections, max_classes_per_detection,
                          detections_per_class, use_regular_nms, score_threshold, iou_threshold, num_classes,
                          scales, label_offset, box_quant, anchor_quant, score_quant):
    """TFLite_Detection_PostProcess (TFLite's kernels/detection_postprocess.cc; the browser
    TFLite runs it, TFLite Micro's is a port). 1. Decode each anchor's box from its
    centre-size encoding (y, x, h, w) and anchor (ya, xa, ha, wa) in double, rounded to
    float32: yc = y/y_scale*ha + ya, xc = x/x_scale*wa + xa, half_h = 0.5*exp(h/h_scale)*ha,
    half_w likewise; box = (yc - half_h, xc - half_w, yc + half_h, xc + half_w) in float32
    (uint8 inputs dequantized as (float32(q) - zp)*scale). 2. Scores: uint8 dequantized as
    float32(scale*(q - zp)) in double; the background column dropped (label_offset).
    3. Non-max suppression: fast (each anchor ranked by its best class, the first maximum;
    its max_classes_per_detection best classes reported) or regular (per class,
    detections_per_class each, merged into the max_detections best so far, a later class
    first among equal scores). Returns boxes [1, N, 4], classes [1, N], scores [1, N] and
    the number of detections [1], N = max_detections * max_classes_per_detection."""
    y_scale, x_scale, h_scale, w_scale = (np.float64(np.float32(s)) for s in scales)
    n_boxes = box_encodings.shape[1]
    enc = box_encodings[0, :, :4]
    anc = anchors[:n_boxes, :]
    if box_quant is not None:
        enc = ((enc.astype(np.float32) - np.float32(box_quant[1])) * np.float32(box_quant[0])).astype(np.float32)
        anc = ((anc.astype(np.float32) - np.float32(anchor_quant[1])) * np.float32(anchor_quant[0])).astype(np.float32)
    e, a = enc.astype(np.float64), anc.astype(np.float64)
    with np.errstate(all="ignore"):
        yc = (e[:, 0] / y_scale * a[:, 2] + a[:, 0]).astype(np.float32)
        xc = (e[:, 1] / x_scale * a[:, 3] + a[:, 1]).astype(np.float32)
        hh = (0.5 * np.exp(e[:, 2] / h_scale) * a[:, 2]).astype(np.float32)
        hw = (0.5 * np.exp(e[:, 3] / w_scale) * a[:, 3]).astype(np.float32)
        boxes = np.stack([yc - hh, xc - hw, yc + hh, xc + hw], axis=1).astype(np.float32)
    scores = class_scores[0]
    if score_quant is not None:
        scores = (np.float64(np.float32(score_quant[0])) * (scores.astype(np.int64) - score_quant[1])).astype(np.float32)
    scores = scores[:, label_offset:label_offset + num_classes].astype(np.float32)
    rows = []  # (anchor, class, score)
    if use_regular_nms:
        for c in range(num_classes):
            cs = scores[:, c]
            merged, i = [], 0
            for anchor in _nms(boxes, cs, detections_per_class, score_threshold, iou_threshold):
                s = cs[anchor]
                while i < len(rows) and rows[i][2] > s:
                    merged.append(rows[i])
                    i += 1
                merged.append((anchor, c, s))
            rows = (merged + rows[i:])[:max_detections]
        count = len(rows)
    else:
        k = min(max_classes_per_detection, num_classes)
        if k == 1:  # optimized_ops::ArgMaxVector: the first maximum
            best_class = np.zeros(n_boxes, dtype=np.int64)
            for c in range(1, num_classes):
                best_class = np.where(scores[:, c] > scores[np.arange(n_boxes), best_class], c, best_class)
            classes = best_class[:, None]
        else:
            classes = np.array([_libcxx_partial_sort(scores[r], k) for r in range(n_boxes)], dtype=np.int64).reshape(n_boxes, k)
        best = scores[np.arange(n_boxes), classes[:, 0]] if n_boxes else np.zeros(0, np.float32)
        for anchor in _nms(boxes, best, max_detections, score_threshold, iou_threshold):
            rows += [(anchor, int(c), scores[anchor, c]) for c in classes[anchor]]
        count = len(rows) // k
    n = max_detections * max_classes_per_detection
    out_boxes = np.zeros((1, n, 4), dtype=np.float32)
    out_classes = np.zeros((1, n), dtype=np.float32)
    out_scores = np.zeros((1, n), dtype=np.float32)
    for i, (anchor, c, s) in enumerate(rows):
        out_boxes[0, i] = boxes[anchor]
        out_classes[0, i] = c
        out_scores[0, i] = s
    return out_boxes, out_classes, out_scores, np.array([count], dtype=np.float32)
