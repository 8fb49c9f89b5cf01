;; kernels.wat: int8scope's WebAssembly SIMD kernels, the hot loops of the
;; engine for browsers that have 128-bit SIMD. Go's WebAssembly backend emits
;; no SIMD, so these few functions are written here and called by the Go
;; instance on the Go instance's own memory: every pointer is an offset
;; into Go's linear memory. Go calls each export as a //go:wasmimport function
;; of the import module "int8scope_simd", which web/static/simd.js forwards
;; here (wasm/simd.go says how to add a kernel). The kernels: gemm_rq_s8, a
;; block of output pixels of FULLY_CONNECTED or CONV_2D from the int8
;; product to the requantized int8 outputs, every profile's output stage
;; (engine.SetGEMMRequant); im2col_s8, CONV_2D's patches (engine.SetIm2Col);
;; gemm_s8, the bare int8 matrix product (engine.SetGEMM, for the products
;; the others do not cover); and dw_s8, the accumulators of an int8
;; DEPTHWISE_CONV_2D (engine.SetDepthwise; one call per op).
;;
;; Built by `make simd` with wat2wasm (npm wabt) into web/static/simd.wasm.
;; The pure-Go kernels in package engine are the fallback and the reference:
;; web/test/simd.test.js checks these against them on random shapes and on
;; whole models.
;;
;; Every sum is an int32 sum of integer products in wrapping arithmetic, so
;; the order of the additions does not change the result: the kernels
;; return exactly what the Go loops return.
;;
;; gemm_s8: v128.load8x8_s loads 8 int8 values widened to int16 (one pmovsxbw
;; on x86), i32x4.dot_i16x8_s multiplies 8 pairs and adds neighbours into 4
;; int32 lanes (one pmaddwd; its int16 products of int8 values never
;; overflow), i32x4.add accumulates. Outputs are computed in blocks (4 rows ×
;; 2 columns, 1 row × 4 columns) so each loaded vector serves several dot
;; products. k is walked 8 at a time; its last k mod 8 elements are read as
;; the 8 values that end the row, with the lanes already summed masked to
;; zero (nothing outside the rows is read); k < 8 is computed one product at
;; a time.
(module
  (import "go" "mem" (memory 0))

  ;; $sum4 is [Σ c0, Σ c1, Σ c2, Σ c3], each the sum of a vector's 4 lanes.
  (func $sum4 (param $c0 v128) (param $c1 v128) (param $c2 v128) (param $c3 v128) (result v128)
    (local $t0 v128) (local $t1 v128)
    (local.set $t0 (i32x4.add
      (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $c0) (local.get $c1))
      (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $c0) (local.get $c1))))
    (local.set $t1 (i32x4.add
      (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $c2) (local.get $c3))
      (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $c2) (local.get $c3))))
    (i32x4.add
      (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $t0) (local.get $t1))
      (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $t0) (local.get $t1))))

  ;; $tailMask is the int16 lanes mask that keeps the last k mod 8 of 8
  ;; lanes: the k tail is read as the 8 values ending at the row's end
  ;; (k ≥ 8), and the mask zeroes those already summed.
  (func $tailMask (param $k i32) (result v128)
    (i16x8.ge_s (v128.const i16x8 0 1 2 3 4 5 6 7)
      (i16x8.splat (i32.sub (i32.const 8) (i32.and (local.get $k) (i32.const 7))))))

  ;; $block4x2 writes the 4×2 block of dot products of the rows a, a+k,
  ;; a+2k, a+3k with the rows b, b+k into out[r*n+c] (out an int32 address,
  ;; n the row length of out in elements). k ≥ 8; mask is $tailMask(k).
  (func $block4x2 (param $a i32) (param $b i32) (param $k i32) (param $out i32) (param $n i32) (param $mask v128)
    (local $a1 i32) (local $a2 i32) (local $a3 i32) (local $b1 i32) (local $end i32) (local $p i32)
    (local $x0 v128) (local $x1 v128) (local $x2 v128) (local $x3 v128) (local $y0 v128) (local $y1 v128)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local.set $a1 (i32.add (local.get $a) (local.get $k)))
    (local.set $a2 (i32.add (local.get $a1) (local.get $k)))
    (local.set $a3 (i32.add (local.get $a2) (local.get $k)))
    (local.set $b1 (i32.add (local.get $b) (local.get $k)))
    (local.set $end (i32.and (local.get $k) (i32.const -8)))
    (loop $l
      ;; after the whole blocks of 8, once more for the tail (masked)
      (if (i32.ge_u (local.get $p) (local.get $end))
        (then
          (local.set $p (i32.sub (local.get $k) (i32.const 8)))
          (local.set $y0 (v128.and (local.get $mask) (v128.load8x8_s (i32.add (local.get $b) (local.get $p)))))
          (local.set $y1 (v128.and (local.get $mask) (v128.load8x8_s (i32.add (local.get $b1) (local.get $p))))))
        (else
          (local.set $y0 (v128.load8x8_s (i32.add (local.get $b) (local.get $p))))
          (local.set $y1 (v128.load8x8_s (i32.add (local.get $b1) (local.get $p))))))
      (local.set $x0 (v128.load8x8_s (i32.add (local.get $a) (local.get $p))))
      (local.set $x1 (v128.load8x8_s (i32.add (local.get $a1) (local.get $p))))
      (local.set $c00 (i32x4.add (local.get $c00) (i32x4.dot_i16x8_s (local.get $x0) (local.get $y0))))
      (local.set $c01 (i32x4.add (local.get $c01) (i32x4.dot_i16x8_s (local.get $x0) (local.get $y1))))
      (local.set $c10 (i32x4.add (local.get $c10) (i32x4.dot_i16x8_s (local.get $x1) (local.get $y0))))
      (local.set $c11 (i32x4.add (local.get $c11) (i32x4.dot_i16x8_s (local.get $x1) (local.get $y1))))
      (local.set $x2 (v128.load8x8_s (i32.add (local.get $a2) (local.get $p))))
      (local.set $x3 (v128.load8x8_s (i32.add (local.get $a3) (local.get $p))))
      (local.set $c20 (i32x4.add (local.get $c20) (i32x4.dot_i16x8_s (local.get $x2) (local.get $y0))))
      (local.set $c21 (i32x4.add (local.get $c21) (i32x4.dot_i16x8_s (local.get $x2) (local.get $y1))))
      (local.set $c30 (i32x4.add (local.get $c30) (i32x4.dot_i16x8_s (local.get $x3) (local.get $y0))))
      (local.set $c31 (i32x4.add (local.get $c31) (i32x4.dot_i16x8_s (local.get $x3) (local.get $y1))))
      (local.set $p (i32.add (local.get $p) (i32.const 8)))
      (br_if $l (i32.lt_u (local.get $p) (local.get $k))))
    ;; [s00 s01 s10 s11] into rows 0 and 1, [s20 s21 s30 s31] into rows 2 and 3
    (local.set $x0 (call $sum4 (local.get $c00) (local.get $c01) (local.get $c10) (local.get $c11)))
    (local.set $x1 (call $sum4 (local.get $c20) (local.get $c21) (local.get $c30) (local.get $c31)))
    (local.set $n (i32.shl (local.get $n) (i32.const 2))) ;; bytes per output row
    (v128.store64_lane 0 (local.get $out) (local.get $x0))
    (local.set $out (i32.add (local.get $out) (local.get $n)))
    (v128.store64_lane 1 (local.get $out) (local.get $x0))
    (local.set $out (i32.add (local.get $out) (local.get $n)))
    (v128.store64_lane 0 (local.get $out) (local.get $x1))
    (local.set $out (i32.add (local.get $out) (local.get $n)))
    (v128.store64_lane 1 (local.get $out) (local.get $x1)))

  ;; $block4x1 writes the dot products of the rows a, a+k, a+2k, a+3k with
  ;; the row b into out[r*n]. k ≥ 8; mask is $tailMask(k).
  (func $block4x1 (param $a i32) (param $b i32) (param $k i32) (param $out i32) (param $n i32) (param $mask v128)
    (local $a1 i32) (local $a2 i32) (local $a3 i32) (local $end i32) (local $p i32) (local $y v128)
    (local $c0 v128) (local $c1 v128) (local $c2 v128) (local $c3 v128)
    (local.set $a1 (i32.add (local.get $a) (local.get $k)))
    (local.set $a2 (i32.add (local.get $a1) (local.get $k)))
    (local.set $a3 (i32.add (local.get $a2) (local.get $k)))
    (local.set $end (i32.and (local.get $k) (i32.const -8)))
    (loop $l
      (if (i32.ge_u (local.get $p) (local.get $end))
        (then
          (local.set $p (i32.sub (local.get $k) (i32.const 8)))
          (local.set $y (v128.and (local.get $mask) (v128.load8x8_s (i32.add (local.get $b) (local.get $p))))))
        (else
          (local.set $y (v128.load8x8_s (i32.add (local.get $b) (local.get $p))))))
      (local.set $c0 (i32x4.add (local.get $c0) (i32x4.dot_i16x8_s (local.get $y) (v128.load8x8_s (i32.add (local.get $a) (local.get $p))))))
      (local.set $c1 (i32x4.add (local.get $c1) (i32x4.dot_i16x8_s (local.get $y) (v128.load8x8_s (i32.add (local.get $a1) (local.get $p))))))
      (local.set $c2 (i32x4.add (local.get $c2) (i32x4.dot_i16x8_s (local.get $y) (v128.load8x8_s (i32.add (local.get $a2) (local.get $p))))))
      (local.set $c3 (i32x4.add (local.get $c3) (i32x4.dot_i16x8_s (local.get $y) (v128.load8x8_s (i32.add (local.get $a3) (local.get $p))))))
      (local.set $p (i32.add (local.get $p) (i32.const 8)))
      (br_if $l (i32.lt_u (local.get $p) (local.get $k))))
    (local.set $y (call $sum4 (local.get $c0) (local.get $c1) (local.get $c2) (local.get $c3)))
    (local.set $n (i32.shl (local.get $n) (i32.const 2)))
    (v128.store32_lane 0 (local.get $out) (local.get $y))
    (local.set $out (i32.add (local.get $out) (local.get $n)))
    (v128.store32_lane 1 (local.get $out) (local.get $y))
    (local.set $out (i32.add (local.get $out) (local.get $n)))
    (v128.store32_lane 2 (local.get $out) (local.get $y))
    (local.set $out (i32.add (local.get $out) (local.get $n)))
    (v128.store32_lane 3 (local.get $out) (local.get $y)))

  ;; $block1x4 writes the dot products of the row a with the rows b, b+k,
  ;; b+2k, b+3k into out[0..3]. k ≥ 8; mask is $tailMask(k).
  (func $block1x4 (param $a i32) (param $b i32) (param $k i32) (param $out i32) (param $mask v128)
    (local $b1 i32) (local $b2 i32) (local $b3 i32) (local $end i32) (local $p i32) (local $x v128)
    (local $c0 v128) (local $c1 v128) (local $c2 v128) (local $c3 v128)
    (local.set $b1 (i32.add (local.get $b) (local.get $k)))
    (local.set $b2 (i32.add (local.get $b1) (local.get $k)))
    (local.set $b3 (i32.add (local.get $b2) (local.get $k)))
    (local.set $end (i32.and (local.get $k) (i32.const -8)))
    (loop $l
      (if (i32.ge_u (local.get $p) (local.get $end))
        (then
          (local.set $p (i32.sub (local.get $k) (i32.const 8)))
          (local.set $x (v128.and (local.get $mask) (v128.load8x8_s (i32.add (local.get $a) (local.get $p))))))
        (else
          (local.set $x (v128.load8x8_s (i32.add (local.get $a) (local.get $p))))))
      (local.set $c0 (i32x4.add (local.get $c0) (i32x4.dot_i16x8_s (local.get $x) (v128.load8x8_s (i32.add (local.get $b) (local.get $p))))))
      (local.set $c1 (i32x4.add (local.get $c1) (i32x4.dot_i16x8_s (local.get $x) (v128.load8x8_s (i32.add (local.get $b1) (local.get $p))))))
      (local.set $c2 (i32x4.add (local.get $c2) (i32x4.dot_i16x8_s (local.get $x) (v128.load8x8_s (i32.add (local.get $b2) (local.get $p))))))
      (local.set $c3 (i32x4.add (local.get $c3) (i32x4.dot_i16x8_s (local.get $x) (v128.load8x8_s (i32.add (local.get $b3) (local.get $p))))))
      (local.set $p (i32.add (local.get $p) (i32.const 8)))
      (br_if $l (i32.lt_u (local.get $p) (local.get $k))))
    (v128.store (local.get $out) (call $sum4 (local.get $c0) (local.get $c1) (local.get $c2) (local.get $c3))))

  ;; $dot is Σ_{i<k} a[i]·b[i]. k ≥ 8; mask is $tailMask(k).
  (func $dot (param $a i32) (param $b i32) (param $k i32) (param $mask v128) (result i32)
    (local $end i32) (local $p i32) (local $x v128) (local $c v128)
    (local.set $end (i32.and (local.get $k) (i32.const -8)))
    (loop $l
      (if (i32.ge_u (local.get $p) (local.get $end))
        (then
          (local.set $p (i32.sub (local.get $k) (i32.const 8)))
          (local.set $x (v128.and (local.get $mask) (v128.load8x8_s (i32.add (local.get $a) (local.get $p))))))
        (else
          (local.set $x (v128.load8x8_s (i32.add (local.get $a) (local.get $p))))))
      (local.set $c (i32x4.add (local.get $c) (i32x4.dot_i16x8_s (local.get $x) (v128.load8x8_s (i32.add (local.get $b) (local.get $p))))))
      (local.set $p (i32.add (local.get $p) (i32.const 8)))
      (br_if $l (i32.lt_u (local.get $p) (local.get $k))))
    (i32x4.extract_lane 0 (call $sum4 (local.get $c) (local.get $c) (local.get $c) (local.get $c))))

  ;; $gemmShort is gemm_s8 for k < 8, one product at a time.
  (func $gemmShort (param $m i32) (param $n i32) (param $k i32) (param $a i32) (param $b i32) (param $out i32)
    (local $i i32) (local $j i32) (local $p i32) (local $s i32) (local $bj i32)
    (loop $li
      (local.set $j (i32.const 0))
      (local.set $bj (local.get $b))
      (loop $lj
        (local.set $s (i32.const 0))
        (local.set $p (i32.const 0))
        (block $done
          (loop $lp
            (br_if $done (i32.ge_u (local.get $p) (local.get $k)))
            (local.set $s (i32.add (local.get $s)
              (i32.mul (i32.load8_s (i32.add (local.get $a) (local.get $p))) (i32.load8_s (i32.add (local.get $bj) (local.get $p))))))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br $lp)))
        (i32.store (local.get $out) (local.get $s))
        (local.set $out (i32.add (local.get $out) (i32.const 4)))
        (local.set $bj (i32.add (local.get $bj) (local.get $k)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br_if $lj (i32.lt_u (local.get $j) (local.get $n))))
      (local.set $a (i32.add (local.get $a) (local.get $k)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $li (i32.lt_u (local.get $i) (local.get $m)))))

  ;; gemm_s8 sets out[i*n+j] = Σ_{kk<k} a[i*k+kk]·b[j*k+kk] for i<m, j<n:
  ;; a is m×k, b is n×k, both row-major int8; out is m×n int32. It is
  ;; engine.gemmS8 (engine/gemm.go), the pure-Go kernel it replaces.
  (func $gemm_s8 (export "gemm_s8") (param $m i32) (param $n i32) (param $k i32) (param $a i32) (param $b i32) (param $out i32)
    (local $i i32) (local $j i32) (local $arow i32) (local $orow i32) (local $mask v128)
    (if (i32.or (i32.eqz (local.get $m)) (i32.eqz (local.get $n))) (then (return)))
    (if (i32.lt_u (local.get $k) (i32.const 8))
      (then (call $gemmShort (local.get $m) (local.get $n) (local.get $k) (local.get $a) (local.get $b) (local.get $out)) (return)))
    (local.set $mask (call $tailMask (local.get $k)))
    ;; rows in blocks of 4: columns in pairs, then the odd last one
    (block $rows4
      (loop $li
        (br_if $rows4 (i32.gt_u (i32.add (local.get $i) (i32.const 4)) (local.get $m)))
        (local.set $arow (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $k))))
        (local.set $orow (i32.add (local.get $out) (i32.shl (i32.mul (local.get $i) (local.get $n)) (i32.const 2))))
        (local.set $j (i32.const 0))
        (block $cols
          (loop $lj
            (br_if $cols (i32.gt_u (i32.add (local.get $j) (i32.const 2)) (local.get $n)))
            (call $block4x2 (local.get $arow) (i32.add (local.get $b) (i32.mul (local.get $j) (local.get $k)))
              (local.get $k) (i32.add (local.get $orow) (i32.shl (local.get $j) (i32.const 2))) (local.get $n) (local.get $mask))
            (local.set $j (i32.add (local.get $j) (i32.const 2)))
            (br $lj)))
        (if (i32.lt_u (local.get $j) (local.get $n))
          (then
            (call $block4x1 (local.get $arow) (i32.add (local.get $b) (i32.mul (local.get $j) (local.get $k)))
              (local.get $k) (i32.add (local.get $orow) (i32.shl (local.get $j) (i32.const 2))) (local.get $n) (local.get $mask))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $li)))
    ;; the last m mod 4 rows: columns in fours, then one at a time
    (block $rows
      (loop $li
        (br_if $rows (i32.ge_u (local.get $i) (local.get $m)))
        (local.set $arow (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $k))))
        (local.set $orow (i32.add (local.get $out) (i32.shl (i32.mul (local.get $i) (local.get $n)) (i32.const 2))))
        (local.set $j (i32.const 0))
        (block $cols
          (loop $lj
            (br_if $cols (i32.gt_u (i32.add (local.get $j) (i32.const 4)) (local.get $n)))
            (call $block1x4 (local.get $arow) (i32.add (local.get $b) (i32.mul (local.get $j) (local.get $k)))
              (local.get $k) (i32.add (local.get $orow) (i32.shl (local.get $j) (i32.const 2))) (local.get $mask))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $lj)))
        (block $cols1
          (loop $lj
            (br_if $cols1 (i32.ge_u (local.get $j) (local.get $n)))
            (i32.store (i32.add (local.get $orow) (i32.shl (local.get $j) (i32.const 2)))
              (call $dot (local.get $arow) (i32.add (local.get $b) (i32.mul (local.get $j) (local.get $k))) (local.get $k) (local.get $mask)))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $lj)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $li))))

  ;; dw_s8 is the int8 depthwise convolution with depth multiplier 1
  ;; (engine.DepthwiseS8, engine/depthwise_accel.go): for every output pixel
  ;; (b, y, x) of B×OH×OW and channel c < C, the int32 accumulator
  ;;
  ;;   acc[((b·OH+y)·OW+x)·C+c] = bias[c] + Σ_{fy<FH, fx<FW; inside} w[(fy·FW+fx)·C+c]·(in[((b·H+iy)·W+ix)·C+c] + off)
  ;;
  ;; with iy = y·sh − ph + fy·dh, ix = x·sw − pw + fx·dw, taps outside the
  ;; H×W input skipped. in and w are int8, bias and acc int32 addresses.
  ;; Channels go 8 at a time: x + off (−255…255) and w widened to int16,
  ;; their products widened to int32 (i32x4.extmul), two accumulators; the
  ;; last C mod 8 channels one at a time.
  (func (export "dw_s8")
    (param $B i32) (param $H i32) (param $W i32) (param $C i32) (param $OH i32) (param $OW i32)
    (param $FH i32) (param $FW i32) (param $sh i32) (param $sw i32) (param $ph i32) (param $pw i32)
    (param $dh i32) (param $dw i32) (param $off i32) (param $in i32) (param $w i32) (param $bias i32) (param $acc i32)
    (local $b i32) (local $y i32) (local $x i32) (local $iy0 i32) (local $ix0 i32) (local $fy i32) (local $fx i32)
    (local $iy i32) (local $ix i32) (local $c i32) (local $c8 i32) (local $img i32) (local $row i32) (local $wrow i32) (local $s i32)
    (local $offv v128) (local $a0 v128) (local $a1 v128) (local $xv v128) (local $wv v128)
    (local.set $offv (i16x8.splat (local.get $off)))
    (local.set $c8 (i32.and (local.get $C) (i32.const -8)))
    (block $done (loop $lb
      (br_if $done (i32.ge_u (local.get $b) (local.get $B)))
      (local.set $img (i32.add (local.get $in) (i32.mul (i32.mul (i32.mul (local.get $b) (local.get $H)) (local.get $W)) (local.get $C))))
      (local.set $y (i32.const 0))
      (block $ydone (loop $ly
        (br_if $ydone (i32.ge_u (local.get $y) (local.get $OH)))
        (local.set $iy0 (i32.sub (i32.mul (local.get $y) (local.get $sh)) (local.get $ph)))
        (local.set $x (i32.const 0))
        (block $xdone (loop $lx
          (br_if $xdone (i32.ge_u (local.get $x) (local.get $OW)))
          (local.set $ix0 (i32.sub (i32.mul (local.get $x) (local.get $sw)) (local.get $pw)))
          ;; channels 8 at a time
          (local.set $c (i32.const 0))
          (block $cdone (loop $lc
            (br_if $cdone (i32.ge_u (local.get $c) (local.get $c8)))
            (local.set $a0 (v128.load (i32.add (local.get $bias) (i32.shl (local.get $c) (i32.const 2)))))
            (local.set $a1 (v128.load offset=16 (i32.add (local.get $bias) (i32.shl (local.get $c) (i32.const 2)))))
            (local.set $fy (i32.const 0))
            (loop $lfy
              (local.set $iy (i32.add (local.get $iy0) (i32.mul (local.get $fy) (local.get $dh))))
              (if (i32.lt_u (local.get $iy) (local.get $H)) ;; unsigned: also iy ≥ 0
                (then
                  (local.set $row (i32.add (local.get $img) (i32.add (i32.mul (i32.mul (local.get $iy) (local.get $W)) (local.get $C)) (local.get $c))))
                  (local.set $wrow (i32.add (local.get $w) (i32.add (i32.mul (i32.mul (local.get $fy) (local.get $FW)) (local.get $C)) (local.get $c))))
                  (local.set $fx (i32.const 0))
                  (loop $lfx
                    (local.set $ix (i32.add (local.get $ix0) (i32.mul (local.get $fx) (local.get $dw))))
                    (if (i32.lt_u (local.get $ix) (local.get $W))
                      (then
                        (local.set $xv (i16x8.add (local.get $offv)
                          (v128.load8x8_s (i32.add (local.get $row) (i32.mul (local.get $ix) (local.get $C))))))
                        (local.set $wv (v128.load8x8_s (i32.add (local.get $wrow) (i32.mul (local.get $fx) (local.get $C)))))
                        (local.set $a0 (i32x4.add (local.get $a0) (i32x4.extmul_low_i16x8_s (local.get $xv) (local.get $wv))))
                        (local.set $a1 (i32x4.add (local.get $a1) (i32x4.extmul_high_i16x8_s (local.get $xv) (local.get $wv))))))
                    (local.set $fx (i32.add (local.get $fx) (i32.const 1)))
                    (br_if $lfx (i32.lt_u (local.get $fx) (local.get $FW))))))
              (local.set $fy (i32.add (local.get $fy) (i32.const 1)))
              (br_if $lfy (i32.lt_u (local.get $fy) (local.get $FH))))
            (v128.store (i32.add (local.get $acc) (i32.shl (local.get $c) (i32.const 2))) (local.get $a0))
            (v128.store offset=16 (i32.add (local.get $acc) (i32.shl (local.get $c) (i32.const 2))) (local.get $a1))
            (local.set $c (i32.add (local.get $c) (i32.const 8)))
            (br $lc)))
          ;; the last C mod 8 channels
          (block $cdone (loop $lc
            (br_if $cdone (i32.ge_u (local.get $c) (local.get $C)))
            (local.set $s (i32.load (i32.add (local.get $bias) (i32.shl (local.get $c) (i32.const 2)))))
            (local.set $fy (i32.const 0))
            (loop $lfy
              (local.set $iy (i32.add (local.get $iy0) (i32.mul (local.get $fy) (local.get $dh))))
              (if (i32.lt_u (local.get $iy) (local.get $H))
                (then
                  (local.set $fx (i32.const 0))
                  (loop $lfx
                    (local.set $ix (i32.add (local.get $ix0) (i32.mul (local.get $fx) (local.get $dw))))
                    (if (i32.lt_u (local.get $ix) (local.get $W))
                      (then
                        (local.set $s (i32.add (local.get $s) (i32.mul
                          (i32.add (local.get $off) (i32.load8_s (i32.add (local.get $img)
                            (i32.add (i32.mul (i32.add (i32.mul (local.get $iy) (local.get $W)) (local.get $ix)) (local.get $C)) (local.get $c)))))
                          (i32.load8_s (i32.add (local.get $w)
                            (i32.add (i32.mul (i32.add (i32.mul (local.get $fy) (local.get $FW)) (local.get $fx)) (local.get $C)) (local.get $c)))))))))
                    (local.set $fx (i32.add (local.get $fx) (i32.const 1)))
                    (br_if $lfx (i32.lt_u (local.get $fx) (local.get $FW))))))
              (local.set $fy (i32.add (local.get $fy) (i32.const 1)))
              (br_if $lfy (i32.lt_u (local.get $fy) (local.get $FH))))
            (i32.store (i32.add (local.get $acc) (i32.shl (local.get $c) (i32.const 2))) (local.get $s))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (br $lc)))
          (local.set $acc (i32.add (local.get $acc) (i32.shl (local.get $C) (i32.const 2))))
          (local.set $x (i32.add (local.get $x) (i32.const 1)))
          (br $lx)))
        (local.set $y (i32.add (local.get $y) (i32.const 1)))
        (br $ly)))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br $lb))))

  ;; gemm_rq_s8 is a whole FULLY_CONNECTED or CONV_2D block of output
  ;; pixels, from the int8 product to the int8 outputs, in one call
  ;; (engine.GEMMRequant, engine/accel.go): for i < m, j < n,
  ;;
  ;;   acc[i*n+j] = Σ_{kk<k} a[i*k+kk]·b[j*k+kk] + add[j] + ib·Σ_{kk<k} a[i*k+kk]
  ;;   out[i*ldo+j] = stage(acc[i*n+j], channel c0+j)
  ;;
  ;; in wrapping int32 arithmetic: the offsets of TFLite's
  ;; FullyConnected/ConvPerChannel applied through precomputed sums
  ;; (engine.offsetGEMM; add[j] = bias[j] + ia·Σw_j + k·ia·ib), then the
  ;; profile's output stage (engine.FixedPointOutput.requantizeInt8 or
  ;; engine.XNNPackOutput.requantizeInt8) with the table at rq (int32s,
  ;; engine.requantTable):
  ;;
  ;;   [mode, zp, min, max, C, 0, 0, 0], then five arrays of C int32s T0…T4
  ;;   mode 1, double rounding (TFLite's reference kernels): T0 = multiplier
  ;;     M, T1 = 2^left (wrapped: 0 for 32), T2 = right shift, T3 =
  ;;     2^right − 1, T4 = 2^(32−right) as uint32 (0 for right = 0);
  ;;     v = RoundingDivideByPOT(
  ;;     SaturatingRoundingDoublingHighMul(x·2^left, M), right)
  ;;   mode 2, single rounding (TFLITE_SINGLE_ROUNDING, ruy): T0 = M, T1 =
  ;;     total shift t, T3 = 2^(t−31) − 1, T4 = 2^(63−t) as uint32 (0 for
  ;;     t = 31), and the header's sixth value 1 when every t ≥ 31 (T3 and
  ;;     T4 then hold); v = (x·M + 2^(t−1)) >> t
  ;;   mode 3, XNNPACK's fp32 requantization (xnn_qs8_requantize_fp32 as its
  ;;     GEMM microkernels do it): T0 = float32 scale s; v = round half to
  ;;     even of clamp(float32(x)·s, min−zp, max−zp), by the magic bias 1.5·2^23
  ;;   out = int8(clamp(v + zp, min, max)) (mode 3 clamps before adding zp)
  ;;
  ;; acc is the m×n int32 scratch the accumulators are left in (for the
  ;; trace). out is int8 or uint8 (the same low byte).
  (func (export "gemm_rq_s8") (param $m i32) (param $n i32) (param $k i32) (param $a i32) (param $b i32)
    (param $acc i32) (param $add i32) (param $ib i32) (param $out i32) (param $ldo i32) (param $rq i32) (param $c0 i32)
    (local $i i32) (local $r i32) (local $mode i32) (local $zp i32) (local $lo i32) (local $hi i32)
    (local $t0 i32) (local $t1 i32) (local $t2 i32) (local $t3 i32) (local $t4 i32) (local $row i32)
    (if (i32.or (i32.eqz (local.get $m)) (i32.eqz (local.get $n))) (then (return)))
    (call $gemm_s8 (local.get $m) (local.get $n) (local.get $k) (local.get $a) (local.get $b) (local.get $acc))
    (local.set $mode (i32.load (local.get $rq)))
    (local.set $zp (i32.load offset=4 (local.get $rq)))
    (local.set $lo (i32.load offset=8 (local.get $rq)))
    (local.set $hi (i32.load offset=12 (local.get $rq)))
    (local.set $t0 (i32.add (i32.add (local.get $rq) (i32.const 32)) (i32.shl (local.get $c0) (i32.const 2))))
    (local.set $t1 (i32.add (local.get $t0) (i32.shl (i32.load offset=16 (local.get $rq)) (i32.const 2))))
    (local.set $t2 (i32.add (local.get $t1) (i32.shl (i32.load offset=16 (local.get $rq)) (i32.const 2))))
    (local.set $t3 (i32.add (local.get $t2) (i32.shl (i32.load offset=16 (local.get $rq)) (i32.const 2))))
    (local.set $t4 (i32.add (local.get $t3) (i32.shl (i32.load offset=16 (local.get $rq)) (i32.const 2))))
    (loop $li
      (local.set $r (i32.const 0))
      (if (local.get $ib)
        (then (local.set $r (i32.mul (local.get $ib) (call $rowSum (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $k))) (local.get $k))))))
      (local.set $row (i32.add (local.get $acc) (i32.shl (i32.mul (local.get $i) (local.get $n)) (i32.const 2))))
      (if (i32.eq (local.get $mode) (i32.const 1))
        (then (call $rqDouble (local.get $row) (local.get $add) (local.get $r) (local.get $out) (local.get $n)
          (local.get $t0) (local.get $t1) (local.get $t2) (local.get $t3) (local.get $t4) (local.get $zp) (local.get $lo) (local.get $hi))))
      (if (i32.eq (local.get $mode) (i32.const 2))
        (then (call $rqSingle (local.get $row) (local.get $add) (local.get $r) (local.get $out) (local.get $n)
          (local.get $t0) (local.get $t1) (local.get $t3) (local.get $t4) (i32.load offset=20 (local.get $rq))
          (local.get $zp) (local.get $lo) (local.get $hi))))
      (if (i32.eq (local.get $mode) (i32.const 3))
        (then (call $rqFP32 (local.get $row) (local.get $add) (local.get $r) (local.get $out) (local.get $n)
          (local.get $t0) (local.get $zp) (local.get $lo) (local.get $hi))))
      (local.set $out (i32.add (local.get $out) (local.get $ldo)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $li (i32.lt_u (local.get $i) (local.get $m)))))

  ;; $rowSum is Σ_{i<k} a[i] over int8 values, 16 at a time (pairwise
  ;; widening adds), then one at a time.
  (func $rowSum (param $a i32) (param $k i32) (result i32)
    (local $p i32) (local $s i32) (local $v v128)
    (block $done16
      (loop $l
        (br_if $done16 (i32.gt_u (i32.add (local.get $p) (i32.const 16)) (local.get $k)))
        (local.set $v (i32x4.add (local.get $v)
          (i32x4.extadd_pairwise_i16x8_s (i16x8.extadd_pairwise_i8x16_s (v128.load (i32.add (local.get $a) (local.get $p)))))))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $l)))
    (local.set $s (i32x4.extract_lane 0 (call $sum4 (local.get $v) (local.get $v) (local.get $v) (local.get $v))))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $p) (local.get $k)))
        (local.set $s (i32.add (local.get $s) (i32.load8_s (i32.add (local.get $a) (local.get $p)))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $l)))
    (local.get $s))

  ;; $rqDouble is mode 1 of gemm_rq_s8 for one row of n ≥ 1 accumulators:
  ;; engine.quantMul.double, which is TFLite's MultiplyByQuantizedMultiplier
  ;; with double rounding for the non-negative multipliers it is given.
  ;; SaturatingRoundingDoublingHighMul(y, M) with ab = y·M is (ab + nudge) /
  ;; 2^31 truncated, nudge = 2^30 for ab ≥ 0 and 1 − 2^30 below: that is
  ;; exactly ⌊(ab + 2^30) / 2^31⌋ (no saturation: M ≥ 0). y = x·2^left
  ;; wrapped to int32 is x·T1 (T1 = 2^left, 0 for left = 32).
  ;; RoundingDivideByPOT(v, right) is ⌊v / 2^right⌋ plus 1 if the remainder
  ;; v & T3 (T3 = 2^right − 1) is above T3 >> 1, or above it plus one for
  ;; negative v. Four channels at a time (the per-channel ⌊v / 2^right⌋ as
  ;; ⌊v·2^(32−right) / 2^32⌋ with T4 = 2^(32−right) as uint32), then one at
  ;; a time.
  (func $rqDouble (param $acc i32) (param $add i32) (param $r i32) (param $out i32) (param $n i32)
    (param $tm i32) (param $tl i32) (param $tr i32) (param $tk i32) (param $tp i32) (param $zp i32) (param $lo i32) (param $hi i32)
    (local $j i32) (local $x i32) (local $v i32) (local $mask i32)
    (local $xv v128) (local $a0 v128) (local $a1 v128) (local $vv v128) (local $mv v128) (local $rv v128)
    (local $zpv v128) (local $lov v128) (local $hiv v128) (local $round v128)
    (local.set $rv (i32x4.splat (local.get $r)))
    (local.set $zpv (i32x4.splat (local.get $zp)))
    (local.set $lov (i32x4.splat (local.get $lo)))
    (local.set $hiv (i32x4.splat (local.get $hi)))
    (local.set $round (i64x2.splat (i64.const 1073741824)))
    (block $done4
      (loop $l
        (br_if $done4 (i32.gt_u (i32.add (local.get $j) (i32.const 4)) (local.get $n)))
        (local.set $xv (i32x4.add (i32x4.add (v128.load (local.get $acc)) (v128.load (local.get $add))) (local.get $rv)))
        (v128.store (local.get $acc) (local.get $xv))
        (local.set $xv (i32x4.mul (local.get $xv) (v128.load (local.get $tl))))
        (local.set $mv (v128.load (local.get $tm)))
        ;; the low 32 bits of (ab + 2^30) >> 31: a logical shift gives them too
        (local.set $a0 (i64x2.shr_u (i64x2.add (i64x2.extmul_low_i32x4_s (local.get $xv) (local.get $mv)) (local.get $round)) (i32.const 31)))
        (local.set $a1 (i64x2.shr_u (i64x2.add (i64x2.extmul_high_i32x4_s (local.get $xv) (local.get $mv)) (local.get $round)) (i32.const 31)))
        (local.set $vv (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $a0) (local.get $a1)))
        ;; ⌊v / 2^right⌋ per lane: the high half of the unsigned product of v
        ;; and s = T4 = 2^(32−right), less s for negative v (read unsigned,
        ;; v is 2^32 more); s is 0 for right = 0, where v itself is added
        (local.set $mv (v128.load (local.get $tk)))
        (local.set $xv (v128.load (local.get $tp)))
        (local.set $a0 (i64x2.extmul_low_i32x4_u (local.get $vv) (local.get $xv)))
        (local.set $a1 (i64x2.extmul_high_i32x4_u (local.get $vv) (local.get $xv)))
        (local.set $xv (i32x4.add
          (i32x4.sub (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $a0) (local.get $a1))
            (v128.and (local.get $xv) (i32x4.shr_s (local.get $vv) (i32.const 31))))
          (v128.and (local.get $vv) (i32x4.eq (local.get $mv) (v128.const i32x4 0 0 0 0)))))
        (local.set $xv (i32x4.add (local.get $xv)
          (i32x4.shr_u (i32x4.sub (i32x4.sub (i32x4.shr_s (local.get $mv) (i32.const 1)) (i32x4.shr_s (local.get $vv) (i32.const 31)))
            (v128.and (local.get $vv) (local.get $mv))) (i32.const 31))))
        (local.set $xv (i32x4.min_s (i32x4.max_s (i32x4.add (local.get $xv) (local.get $zpv)) (local.get $lov)) (local.get $hiv)))
        (v128.store32_lane 0 (local.get $out)
          (i8x16.shuffle 0 4 8 12 0 0 0 0 0 0 0 0 0 0 0 0 (local.get $xv) (local.get $xv)))
        (local.set $acc (i32.add (local.get $acc) (i32.const 16)))
        (local.set $add (i32.add (local.get $add) (i32.const 16)))
        (local.set $tm (i32.add (local.get $tm) (i32.const 16)))
        (local.set $tl (i32.add (local.get $tl) (i32.const 16)))
        (local.set $tr (i32.add (local.get $tr) (i32.const 16)))
        (local.set $tk (i32.add (local.get $tk) (i32.const 16)))
        (local.set $tp (i32.add (local.get $tp) (i32.const 16)))
        (local.set $out (i32.add (local.get $out) (i32.const 4)))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $l)))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $j) (local.get $n)))
        (local.set $x (i32.add (i32.add (i32.load (local.get $acc)) (i32.load (local.get $add))) (local.get $r)))
        (i32.store (local.get $acc) (local.get $x))
        (local.set $v (i32.wrap_i64 (i64.shr_s
          (i64.add (i64.mul (i64.extend_i32_s (i32.mul (local.get $x) (i32.load (local.get $tl)))) (i64.extend_i32_s (i32.load (local.get $tm))))
            (i64.const 1073741824))
          (i64.const 31))))
        (local.set $mask (i32.load (local.get $tk)))
        (local.set $v (i32.add (i32.add (i32.shr_s (local.get $v) (i32.load (local.get $tr)))
            (i32.shr_u (i32.sub (i32.sub (i32.shr_s (local.get $mask) (i32.const 1)) (i32.shr_s (local.get $v) (i32.const 31)))
              (i32.and (local.get $v) (local.get $mask))) (i32.const 31)))
          (local.get $zp)))
        (local.set $v (select (local.get $lo) (local.get $v) (i32.lt_s (local.get $v) (local.get $lo))))
        (i32.store8 (local.get $out) (select (local.get $hi) (local.get $v) (i32.gt_s (local.get $v) (local.get $hi))))
        (local.set $acc (i32.add (local.get $acc) (i32.const 4)))
        (local.set $add (i32.add (local.get $add) (i32.const 4)))
        (local.set $tm (i32.add (local.get $tm) (i32.const 4)))
        (local.set $tl (i32.add (local.get $tl) (i32.const 4)))
        (local.set $tr (i32.add (local.get $tr) (i32.const 4)))
        (local.set $tk (i32.add (local.get $tk) (i32.const 4)))
        (local.set $out (i32.add (local.get $out) (i32.const 1)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $l))))

  ;; $rqSingle is mode 2 of gemm_rq_s8 for one row of n ≥ 1 accumulators:
  ;; engine.quantMul's single rounding, (x·M + 2^(t−1)) >> t in int64
  ;; (nothing added for t = 0). When every channel has t ≥ 31 (vec; TFLite's
  ;; right shifts), four channels at a time: with r = t − 31, that is
  ;; ⌊(q + 2^(r−1)) / 2^r⌋ for q = ⌊x·M / 2^31⌋ (r ≥ 1; for r = 0, q =
  ;; ⌊(x·M + 2^30) / 2^31⌋ itself), computed without overflow as ⌊q / 2^r⌋
  ;; (as in $rqDouble, T4 = 2^(32−r)) plus 1 if the remainder q & T3 (T3 =
  ;; 2^r − 1) is above T3 >> 1. Then one at a time.
  (func $rqSingle (param $acc i32) (param $add i32) (param $r i32) (param $out i32) (param $n i32)
    (param $tm i32) (param $tt i32) (param $tk i32) (param $tp i32) (param $vec i32) (param $zp i32) (param $lo i32) (param $hi i32)
    (local $j i32) (local $x i32) (local $t i64)
    (local $xv v128) (local $a0 v128) (local $a1 v128) (local $vv v128) (local $mv v128) (local $zero v128)
    (local $rv v128) (local $zpv v128) (local $lov v128) (local $hiv v128)
    (if (local.get $vec)
      (then
        (local.set $rv (i32x4.splat (local.get $r)))
        (local.set $zpv (i32x4.splat (local.get $zp)))
        (local.set $lov (i32x4.splat (local.get $lo)))
        (local.set $hiv (i32x4.splat (local.get $hi)))
        (block $done4
          (loop $l
            (br_if $done4 (i32.gt_u (i32.add (local.get $j) (i32.const 4)) (local.get $n)))
            (local.set $xv (i32x4.add (i32x4.add (v128.load (local.get $acc)) (v128.load (local.get $add))) (local.get $rv)))
            (v128.store (local.get $acc) (local.get $xv))
            (local.set $mv (v128.load (local.get $tk)))
            (local.set $zero (i32x4.eq (local.get $mv) (v128.const i32x4 0 0 0 0))) ;; lanes with r = 0
            ;; q: the low 32 bits of (x·M + (r = 0 ? 2^30 : 0)) >> 31
            (local.set $vv (v128.and (local.get $zero) (v128.const i32x4 0x40000000 0x40000000 0x40000000 0x40000000)))
            (local.set $a0 (i64x2.shr_u (i64x2.add (i64x2.extmul_low_i32x4_s (local.get $xv) (v128.load (local.get $tm)))
              (i64x2.extend_low_i32x4_s (local.get $vv))) (i32.const 31)))
            (local.set $a1 (i64x2.shr_u (i64x2.add (i64x2.extmul_high_i32x4_s (local.get $xv) (v128.load (local.get $tm)))
              (i64x2.extend_high_i32x4_s (local.get $vv))) (i32.const 31)))
            (local.set $vv (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $a0) (local.get $a1)))
            ;; ⌊q / 2^r⌋ (q itself for r = 0), plus the rounding bit
            (local.set $xv (v128.load (local.get $tp)))
            (local.set $a0 (i64x2.extmul_low_i32x4_u (local.get $vv) (local.get $xv)))
            (local.set $a1 (i64x2.extmul_high_i32x4_u (local.get $vv) (local.get $xv)))
            (local.set $xv (i32x4.add
              (i32x4.sub (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $a0) (local.get $a1))
                (v128.and (local.get $xv) (i32x4.shr_s (local.get $vv) (i32.const 31))))
              (v128.and (local.get $vv) (local.get $zero))))
            (local.set $xv (i32x4.add (local.get $xv)
              (i32x4.shr_u (i32x4.sub (i32x4.shr_s (local.get $mv) (i32.const 1)) (v128.and (local.get $vv) (local.get $mv))) (i32.const 31))))
            (local.set $xv (i32x4.min_s (i32x4.max_s (i32x4.add (local.get $xv) (local.get $zpv)) (local.get $lov)) (local.get $hiv)))
            (v128.store32_lane 0 (local.get $out)
              (i8x16.shuffle 0 4 8 12 0 0 0 0 0 0 0 0 0 0 0 0 (local.get $xv) (local.get $xv)))
            (local.set $acc (i32.add (local.get $acc) (i32.const 16)))
            (local.set $add (i32.add (local.get $add) (i32.const 16)))
            (local.set $tm (i32.add (local.get $tm) (i32.const 16)))
            (local.set $tt (i32.add (local.get $tt) (i32.const 16)))
            (local.set $tk (i32.add (local.get $tk) (i32.const 16)))
            (local.set $tp (i32.add (local.get $tp) (i32.const 16)))
            (local.set $out (i32.add (local.get $out) (i32.const 4)))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $l)))))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $j) (local.get $n)))
        (local.set $x (i32.add (i32.add (i32.load (local.get $acc)) (i32.load (local.get $add))) (local.get $r)))
        (i32.store (local.get $acc) (local.get $x))
        (local.set $t (i64.extend_i32_u (i32.load (local.get $tt))))
        (local.set $x (i32.add (i32.wrap_i64 (i64.shr_s
              (i64.add (i64.mul (i64.extend_i32_s (local.get $x)) (i64.extend_i32_s (i32.load (local.get $tm))))
                (i64.shr_u (i64.shl (i64.const 1) (local.get $t)) (i64.const 1)))
              (local.get $t)))
            (local.get $zp)))
        (local.set $x (select (local.get $lo) (local.get $x) (i32.lt_s (local.get $x) (local.get $lo))))
        (i32.store8 (local.get $out) (select (local.get $hi) (local.get $x) (i32.gt_s (local.get $x) (local.get $hi))))
        (local.set $acc (i32.add (local.get $acc) (i32.const 4)))
        (local.set $add (i32.add (local.get $add) (i32.const 4)))
        (local.set $tm (i32.add (local.get $tm) (i32.const 4)))
        (local.set $tt (i32.add (local.get $tt) (i32.const 4)))
        (local.set $out (i32.add (local.get $out) (i32.const 1)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $l))))

  ;; $rqFP32 is mode 3 of gemm_rq_s8 for one row of n ≥ 1 accumulators:
  ;; engine.XNNPackOutput.requantizeInt8, 4 channels at a time, then one at
  ;; a time: f = float32(x)·s clamped to [min−zp, max−zp] (f32x4.pmax and
  ;; pmin are exactly its two compares), rounded half to even by adding
  ;; 1.5·2^23, whose float32 bits minus 0x4B400000 are the rounded integer.
  (func $rqFP32 (param $acc i32) (param $add i32) (param $r i32) (param $out i32) (param $n i32)
    (param $ts i32) (param $zp i32) (param $lo i32) (param $hi i32)
    (local $j i32) (local $x i32) (local $f f32) (local $flo f32) (local $fhi f32)
    (local $xv v128) (local $fv v128) (local $rv v128) (local $lov v128) (local $hiv v128) (local $zpv v128)
    (local.set $flo (f32.convert_i32_s (i32.sub (local.get $lo) (local.get $zp))))
    (local.set $fhi (f32.convert_i32_s (i32.sub (local.get $hi) (local.get $zp))))
    (local.set $rv (i32x4.splat (local.get $r)))
    (local.set $lov (f32x4.splat (local.get $flo)))
    (local.set $hiv (f32x4.splat (local.get $fhi)))
    (local.set $zpv (i32x4.splat (i32.sub (local.get $zp) (i32.const 0x4B400000))))
    (block $done4
      (loop $l
        (br_if $done4 (i32.gt_u (i32.add (local.get $j) (i32.const 4)) (local.get $n)))
        (local.set $xv (i32x4.add (i32x4.add (v128.load (local.get $acc)) (v128.load (local.get $add))) (local.get $rv)))
        (v128.store (local.get $acc) (local.get $xv))
        (local.set $fv (f32x4.pmin (f32x4.pmax (f32x4.mul (f32x4.convert_i32x4_s (local.get $xv)) (v128.load (local.get $ts)))
          (local.get $lov)) (local.get $hiv)))
        (local.set $xv (i32x4.add (f32x4.add (local.get $fv) (v128.const f32x4 12582912 12582912 12582912 12582912)) (local.get $zpv)))
        (v128.store32_lane 0 (local.get $out)
          (i8x16.shuffle 0 4 8 12 0 0 0 0 0 0 0 0 0 0 0 0 (local.get $xv) (local.get $xv)))
        (local.set $acc (i32.add (local.get $acc) (i32.const 16)))
        (local.set $add (i32.add (local.get $add) (i32.const 16)))
        (local.set $ts (i32.add (local.get $ts) (i32.const 16)))
        (local.set $out (i32.add (local.get $out) (i32.const 4)))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $l)))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $j) (local.get $n)))
        (local.set $x (i32.add (i32.add (i32.load (local.get $acc)) (i32.load (local.get $add))) (local.get $r)))
        (i32.store (local.get $acc) (local.get $x))
        (local.set $f (f32.mul (f32.convert_i32_s (local.get $x)) (f32.load (local.get $ts))))
        (if (f32.lt (local.get $f) (local.get $flo)) (then (local.set $f (local.get $flo))))
        (if (f32.gt (local.get $f) (local.get $fhi)) (then (local.set $f (local.get $fhi))))
        (i32.store8 (local.get $out) (i32.add (i32.reinterpret_f32 (f32.add (local.get $f) (f32.const 12582912)))
          (i32.sub (local.get $zp) (i32.const 0x4B400000))))
        (local.set $acc (i32.add (local.get $acc) (i32.const 4)))
        (local.set $add (i32.add (local.get $add) (i32.const 4)))
        (local.set $ts (i32.add (local.get $ts) (i32.const 4)))
        (local.set $out (i32.add (local.get $out) (i32.const 1)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $l))))

  ;; im2col_s8 is CONV_2D's patch gathering (engine.Conv2DParams.im2col,
  ;; engine.Im2Col): for the mb output pixels from pixel p0 on (numbered
  ;; (b·OH + y)·OW + x), one row of FH·FW·FC int8 values each at patches, in
  ;; filter order (fy, fx, channel): the FC input channels from goff on of
  ;; input pixel (b, y·sh − ph + fy·dh, x·sw − pw + fx·dw) of the H×W×C input,
  ;; or fill for taps outside it. With dw = 1 and FC = C the taps inside a
  ;; filter row are one contiguous run of the input.
  (func (export "im2col_s8") (param $in i32) (param $patches i32) (param $p0 i32) (param $mb i32) (param $goff i32) (param $fill i32)
    (param $H i32) (param $W i32) (param $C i32) (param $OH i32) (param $OW i32) (param $FH i32) (param $FW i32) (param $FC i32)
    (param $sh i32) (param $sw i32) (param $ph i32) (param $pw i32) (param $dh i32) (param $dw i32)
    (local $i i32) (local $b i32) (local $y i32) (local $x i32) (local $iy0 i32) (local $ix0 i32) (local $fy i32) (local $fx i32)
    (local $iy i32) (local $ix i32) (local $dst i32) (local $rowLen i32) (local $base i32) (local $fx0 i32) (local $fx1 i32) (local $run i32)
    (if (i32.eqz (local.get $mb)) (then (return)))
    (local.set $rowLen (i32.mul (local.get $FW) (local.get $FC)))
    (local.set $run (i32.and (i32.eq (local.get $dw) (i32.const 1)) (i32.eq (local.get $FC) (local.get $C))))
    (local.set $x (i32.rem_u (local.get $p0) (local.get $OW)))
    (local.set $y (i32.rem_u (i32.div_u (local.get $p0) (local.get $OW)) (local.get $OH)))
    (local.set $b (i32.div_u (local.get $p0) (i32.mul (local.get $OW) (local.get $OH))))
    (local.set $dst (local.get $patches))
    (loop $li
      (local.set $iy0 (i32.sub (i32.mul (local.get $y) (local.get $sh)) (local.get $ph)))
      (local.set $ix0 (i32.sub (i32.mul (local.get $x) (local.get $sw)) (local.get $pw)))
      (local.set $fy (i32.const 0))
      (loop $lfy
        (local.set $iy (i32.add (local.get $iy0) (i32.mul (local.get $fy) (local.get $dh))))
        (if (i32.ge_u (local.get $iy) (local.get $H)) ;; unsigned: also iy < 0
          (then (call $fill8 (local.get $dst) (local.get $fill) (local.get $rowLen)))
          (else
            (local.set $base (i32.add (local.get $in)
              (i32.add (i32.mul (i32.mul (i32.add (i32.mul (local.get $b) (local.get $H)) (local.get $iy)) (local.get $W)) (local.get $C)) (local.get $goff))))
            (if (i32.and (local.get $run)
                  (i32.and (i32.ge_s (local.get $ix0) (i32.const 0)) (i32.le_s (i32.add (local.get $ix0) (local.get $FW)) (local.get $W))))
              (then ;; the whole filter row inside: one copy
                (call $copy8 (local.get $dst) (i32.add (local.get $base) (i32.mul (local.get $ix0) (local.get $C))) (local.get $rowLen)))
            (else (if (local.get $run)
              (then
                ;; taps fx0…fx1−1 inside: ix0 + fx in [0, W)
                (local.set $fx0 (select (i32.sub (i32.const 0) (local.get $ix0)) (i32.const 0) (i32.lt_s (local.get $ix0) (i32.const 0))))
                (local.set $fx0 (select (local.get $FW) (local.get $fx0) (i32.gt_s (local.get $fx0) (local.get $FW))))
                (local.set $fx1 (i32.sub (local.get $W) (local.get $ix0)))
                (local.set $fx1 (select (local.get $FW) (local.get $fx1) (i32.gt_s (local.get $fx1) (local.get $FW))))
                (local.set $fx1 (select (local.get $fx0) (local.get $fx1) (i32.lt_s (local.get $fx1) (local.get $fx0))))
                (call $fill8 (local.get $dst) (local.get $fill) (i32.mul (local.get $fx0) (local.get $FC)))
                (call $copy8 (i32.add (local.get $dst) (i32.mul (local.get $fx0) (local.get $FC)))
                  (i32.add (local.get $base) (i32.mul (i32.add (local.get $ix0) (local.get $fx0)) (local.get $C)))
                  (i32.mul (i32.sub (local.get $fx1) (local.get $fx0)) (local.get $FC)))
                (call $fill8 (i32.add (local.get $dst) (i32.mul (local.get $fx1) (local.get $FC))) (local.get $fill)
                  (i32.mul (i32.sub (local.get $FW) (local.get $fx1)) (local.get $FC))))
              (else
                (local.set $fx (i32.const 0))
                (loop $lfx
                  (local.set $ix (i32.add (local.get $ix0) (i32.mul (local.get $fx) (local.get $dw))))
                  (if (i32.ge_u (local.get $ix) (local.get $W))
                    (then (call $fill8 (i32.add (local.get $dst) (i32.mul (local.get $fx) (local.get $FC))) (local.get $fill) (local.get $FC)))
                    (else (call $copy8 (i32.add (local.get $dst) (i32.mul (local.get $fx) (local.get $FC)))
                      (i32.add (local.get $base) (i32.mul (local.get $ix) (local.get $C))) (local.get $FC))))
                  (local.set $fx (i32.add (local.get $fx) (i32.const 1)))
                  (br_if $lfx (i32.lt_u (local.get $fx) (local.get $FW))))))))))
        (local.set $dst (i32.add (local.get $dst) (local.get $rowLen)))
        (local.set $fy (i32.add (local.get $fy) (i32.const 1)))
        (br_if $lfy (i32.lt_u (local.get $fy) (local.get $FH))))
      ;; the next pixel
      (local.set $x (i32.add (local.get $x) (i32.const 1)))
      (if (i32.eq (local.get $x) (local.get $OW))
        (then
          (local.set $x (i32.const 0))
          (local.set $y (i32.add (local.get $y) (i32.const 1)))
          (if (i32.eq (local.get $y) (local.get $OH))
            (then
              (local.set $y (i32.const 0))
              (local.set $b (i32.add (local.get $b) (i32.const 1)))))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $li (i32.lt_u (local.get $i) (local.get $mb)))))

  ;; $copy8 copies n bytes from src to dst (not overlapping): short runs 8
  ;; bytes, then 1 byte at a time (a memory.copy costs a call), long ones by
  ;; memory.copy.
  (func $copy8 (param $dst i32) (param $src i32) (param $n i32)
    (if (i32.ge_u (local.get $n) (i32.const 64))
      (then (memory.copy (local.get $dst) (local.get $src) (local.get $n)) (return)))
    (block $done8
      (loop $l
        (br_if $done8 (i32.lt_u (local.get $n) (i32.const 8)))
        (i64.store (local.get $dst) (i64.load (local.get $src)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 8)))
        (local.set $src (i32.add (local.get $src) (i32.const 8)))
        (local.set $n (i32.sub (local.get $n) (i32.const 8)))
        (br $l)))
    (block $done
      (loop $l
        (br_if $done (i32.eqz (local.get $n)))
        (i32.store8 (local.get $dst) (i32.load8_u (local.get $src)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 1)))
        (local.set $src (i32.add (local.get $src) (i32.const 1)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $l))))

  ;; $fill8 sets n bytes from dst on to the low byte of v.
  (func $fill8 (param $dst i32) (param $v i32) (param $n i32)
    (if (i32.ge_u (local.get $n) (i32.const 64))
      (then (memory.fill (local.get $dst) (local.get $v) (local.get $n)) (return)))
    (block $done
      (loop $l
        (br_if $done (i32.eqz (local.get $n)))
        (i32.store8 (local.get $dst) (local.get $v))
        (local.set $dst (i32.add (local.get $dst) (i32.const 1)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $l))))
)
