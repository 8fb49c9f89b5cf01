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
;; the others do not cover: SVDF, depthwise convolutions of one input
;; channel); dw_s8 and dw_s8o, the accumulators of an int8 or uint8
;; DEPTHWISE_CONV_2D, any depth multiplier (engine.SetDepthwise,
;; SetDepthwiseOffset; one call per op); rq_fixed and rq_fp32, the output
;; stages of DEPTHWISE_CONV_2D and of what gemm_rq_s8 does not run
;; (engine.SetRequant); im2col1_s8, the patches of a depthwise
;; convolution of one input channel run as a matrix product
;; (engine.SetIm2ColOne); add_s8, an int8 or uint8 ADD or SUB of
;; same-shape inputs (engine.SetAdd); and gemm_rq_c4_s8, gemm_rq_s8's
;; contract for blocks whose channel count is a multiple of 4, with the
;; weights packed per call in XNNPACK's c2 arrangement (no lane sums) and
;; the output stage's row loop inside (wasm/simd.go chooses it by k).
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

  ;; $block4x2 writes the 4×2 blocks of dot products of the rows a, a+k,
  ;; a+2k, a+3k with the rows b, b+k into out[r*n+c] (out an int32 address,
  ;; n the row length of out in elements), then with b+2k, b+3k into the
  ;; next two columns, and so on for pairs ≥ 1 pairs of columns. k ≥ 8; mask is $tailMask(k).
  (func $block4x2 (param $a i32) (param $b i32) (param $k i32) (param $out i32) (param $n i32) (param $mask v128) (param $pairs i32)
    (local $o i32) (local $a1 i32) (local $a2 i32) (local $a3 i32) (local $b1 i32) (local $end i32) (local $p i32)
    (local $x0 v128) (local $x1 v128) (local $x2 v128) (local $x3 v128) (local $y0 v128) (local $y1 v128)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local.set $a1 (i32.add (local.get $a) (local.get $k)))
    (local.set $a2 (i32.add (local.get $a1) (local.get $k)))
    (local.set $a3 (i32.add (local.get $a2) (local.get $k)))
    (local.set $end (i32.and (local.get $k) (i32.const -8)))
    (local.set $n (i32.shl (local.get $n) (i32.const 2))) ;; bytes per output row
    (loop $pair
    (local.set $b1 (i32.add (local.get $b) (local.get $k)))
    (local.set $p (i32.const 0))
    (local.set $c00 (v128.const i32x4 0 0 0 0)) (local.set $c01 (v128.const i32x4 0 0 0 0))
    (local.set $c10 (v128.const i32x4 0 0 0 0)) (local.set $c11 (v128.const i32x4 0 0 0 0))
    (local.set $c20 (v128.const i32x4 0 0 0 0)) (local.set $c21 (v128.const i32x4 0 0 0 0))
    (local.set $c30 (v128.const i32x4 0 0 0 0)) (local.set $c31 (v128.const i32x4 0 0 0 0))
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
    ;; $sum4 written out (a call per block costs as much as the sums for short k)
    (local.set $y0 (i32x4.add
      (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $c00) (local.get $c01))
      (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $c00) (local.get $c01))))
    (local.set $y1 (i32x4.add
      (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $c10) (local.get $c11))
      (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $c10) (local.get $c11))))
    (local.set $x0 (i32x4.add
      (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $y0) (local.get $y1))
      (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $y0) (local.get $y1))))
    (local.set $y0 (i32x4.add
      (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $c20) (local.get $c21))
      (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $c20) (local.get $c21))))
    (local.set $y1 (i32x4.add
      (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $c30) (local.get $c31))
      (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $c30) (local.get $c31))))
    (local.set $x1 (i32x4.add
      (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $y0) (local.get $y1))
      (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $y0) (local.get $y1))))
    (local.set $o (local.get $out))
    (v128.store64_lane 0 (local.get $o) (local.get $x0))
    (local.set $o (i32.add (local.get $o) (local.get $n)))
    (v128.store64_lane 1 (local.get $o) (local.get $x0))
    (local.set $o (i32.add (local.get $o) (local.get $n)))
    (v128.store64_lane 0 (local.get $o) (local.get $x1))
    (local.set $o (i32.add (local.get $o) (local.get $n)))
    (v128.store64_lane 1 (local.get $o) (local.get $x1))
    ;; the next pair of columns
    (local.set $out (i32.add (local.get $out) (i32.const 8)))
    (local.set $b (i32.add (local.get $b1) (local.get $k)))
    (local.set $pairs (i32.sub (local.get $pairs) (i32.const 1)))
    (br_if $pair (local.get $pairs))))

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
        ;; the column pairs in one call
        (local.set $j (i32.and (local.get $n) (i32.const -2)))
        (if (local.get $j)
          (then (call $block4x2 (local.get $arow) (local.get $b) (local.get $k) (local.get $orow) (local.get $n) (local.get $mask)
            (i32.shr_u (local.get $j) (i32.const 1)))))
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
  ;; x + off (−255…255) and w + woff (dw_s8o; 0 here) are widened to int16,
  ;; their products to int32 (i32x4.extmul): see $dw.
  (func (export "dw_s8")
    (param $B i32) (param $H i32) (param $W i32) (param $C i32) (param $OH i32) (param $OW i32)
    (param $FH i32) (param $FW i32) (param $sh i32) (param $sw i32) (param $ph i32) (param $pw i32)
    (param $dh i32) (param $dw i32) (param $off i32) (param $in i32) (param $w i32) (param $bias i32) (param $acc i32)
    (call $dw (local.get $B) (local.get $H) (local.get $W) (local.get $C) (local.get $OH) (local.get $OW)
      (local.get $FH) (local.get $FW) (local.get $sh) (local.get $sw) (local.get $ph) (local.get $pw)
      (local.get $dh) (local.get $dw) (local.get $off) (i32.const 0) (local.get $in) (local.get $w) (local.get $bias) (local.get $acc)
      (i32.const 0) (i32.const 0)))

  ;; dw_s8o is dw_s8 with a filter offset woff (−255…255): w[…] + woff in
  ;; place of w[…]. uint8 depthwise convolutions (reference_ops'
  ;; DepthwiseConv, XNNPACK's QU8 DWCONV) run on it with their operands
  ;; mapped to int8 (u − 128) and both offsets 128 higher.
  (func (export "dw_s8o")
    (param $B i32) (param $H i32) (param $W i32) (param $C i32) (param $OH i32) (param $OW i32)
    (param $FH i32) (param $FW i32) (param $sh i32) (param $sw i32) (param $ph i32) (param $pw i32)
    (param $dh i32) (param $dw i32) (param $off i32) (param $woff i32) (param $in i32) (param $w i32) (param $bias i32) (param $acc i32)
    (call $dw (local.get $B) (local.get $H) (local.get $W) (local.get $C) (local.get $OH) (local.get $OW)
      (local.get $FH) (local.get $FW) (local.get $sh) (local.get $sw) (local.get $ph) (local.get $pw)
      (local.get $dh) (local.get $dw) (local.get $off) (local.get $woff) (local.get $in) (local.get $w) (local.get $bias) (local.get $acc)
      (i32.const 0) (i32.const 0)))

  ;; dw_rq_s8 is dw_s8o followed by the op's output stage, fused: for C a
  ;; multiple of 8, out[i] = stage(acc[i], channel i mod C) with gemm_rq_s8's
  ;; requantization table at rq (engine.requantTable, c0 = 0; mode 2 only
  ;; when the header's sixth value is 1), int8 or uint8 outputs (the low
  ;; byte). The pixels $dw3x3 computes never store their accumulators: each
  ;; 8 channels of a pixel go from the two int32x4 accumulators through
  ;; the stage ($rqRow's formulas) straight to 8 output bytes, with the channels' table values
  ;; held in locals across the pixels; the other pixels ($dw) are
  ;; requantized from acc (scratch of B·OH·OW·C int32, left undefined) right
  ;; after their channels are summed.
  (func (export "dw_rq_s8")
    (param $B i32) (param $H i32) (param $W i32) (param $C i32) (param $OH i32) (param $OW i32)
    (param $FH i32) (param $FW i32) (param $sh i32) (param $sw i32) (param $ph i32) (param $pw i32)
    (param $dh i32) (param $dw i32) (param $off i32) (param $woff i32) (param $in i32) (param $w i32) (param $bias i32) (param $acc i32)
    (param $rq i32) (param $out i32)
    (call $dw (local.get $B) (local.get $H) (local.get $W) (local.get $C) (local.get $OH) (local.get $OW)
      (local.get $FH) (local.get $FW) (local.get $sh) (local.get $sw) (local.get $ph) (local.get $pw)
      (local.get $dh) (local.get $dw) (local.get $off) (local.get $woff) (local.get $in) (local.get $w) (local.get $bias) (local.get $acc)
      (local.get $rq) (local.get $out)))

  ;; $rqConsts is what the output stage needs of the table at rq besides the
  ;; per-channel values: the mode (4 for mode 2 when the header's seventh
  ;; value says every r ≥ 2: $rqSingleRows4's shorter formula), whether any of the C channels shifts left
  ;; (mode 1, T1 ≠ 1), and the splats zpv, lov, hiv: zp, min, max for modes
  ;; 1 and 2; zp − 0x4B400000 and the float32 bounds min − zp, max − zp for
  ;; mode 3.
  (func $rqConsts (param $rq i32) (result i32 i32 v128 v128 v128)
    (local $mode i32) (local $shl i32) (local $c i32) (local $C i32) (local $t1 i32) (local $zp i32)
    (local.set $mode (i32.load (local.get $rq)))
    (local.set $zp (i32.load offset=4 (local.get $rq)))
    (local.set $C (i32.load offset=16 (local.get $rq)))
    (local.set $t1 (i32.add (i32.add (local.get $rq) (i32.const 32)) (i32.shl (local.get $C) (i32.const 2))))
    (if (i32.eq (local.get $mode) (i32.const 1))
      (then
        (block $scanned (loop $ls
          (br_if $scanned (i32.ge_u (local.get $c) (local.get $C)))
          (if (i32.ne (i32.load (i32.add (local.get $t1) (i32.shl (local.get $c) (i32.const 2)))) (i32.const 1))
            (then (local.set $shl (i32.const 1)) (br $scanned)))
          (local.set $c (i32.add (local.get $c) (i32.const 1)))
          (br $ls)))))
    (if (i32.and (i32.eq (local.get $mode) (i32.const 2)) (i32.load offset=24 (local.get $rq)))
      (then (local.set $mode (i32.const 4)))) ;; single rounding, every r ≥ 2
    (local.get $mode) (local.get $shl)
    (if (result v128 v128 v128) (i32.eq (local.get $mode) (i32.const 3))
      (then
        (i32x4.splat (i32.sub (local.get $zp) (i32.const 0x4B400000)))
        (f32x4.splat (f32.convert_i32_s (i32.sub (i32.load offset=8 (local.get $rq)) (local.get $zp))))
        (f32x4.splat (f32.convert_i32_s (i32.sub (i32.load offset=12 (local.get $rq)) (local.get $zp)))))
      (else
        (i32x4.splat (local.get $zp))
        (i32x4.splat (i32.load offset=8 (local.get $rq)))
        (i32x4.splat (i32.load offset=12 (local.get $rq))))))

  ;; $tapLo is the first tap t of a window at origin, dilation d, whose
  ;; position origin + t·d is ≥ 0 (engine's insideRange, lo).
  (func $tapLo (param $o i32) (param $d i32) (result i32)
    (if (result i32) (i32.lt_s (local.get $o) (i32.const 0))
      (then (i32.div_u (i32.add (i32.sub (i32.const 0) (local.get $o)) (i32.sub (local.get $d) (i32.const 1))) (local.get $d)))
      (else (i32.const 0))))

  ;; $tapHi is one past the last of the taps < n of that window inside a
  ;; size-long input, at least lo (engine's insideRange, hi).
  (func $tapHi (param $o i32) (param $d i32) (param $n i32) (param $size i32) (param $lo i32) (result i32)
    (local $hi i32)
    (local.set $hi (local.get $n))
    (if (i32.ge_s (i32.add (local.get $o) (i32.mul (i32.sub (local.get $n) (i32.const 1)) (local.get $d))) (local.get $size))
      (then
        (local.set $hi (i32.const 0))
        (if (i32.gt_s (i32.sub (local.get $size) (local.get $o)) (i32.const 0))
          (then (local.set $hi (i32.div_u (i32.add (i32.sub (local.get $size) (local.get $o)) (i32.sub (local.get $d) (i32.const 1))) (local.get $d)))))))
    (local.set $hi (select (local.get $n) (local.get $hi) (i32.gt_s (local.get $hi) (local.get $n))))
    (select (local.get $lo) (local.get $hi) (i32.lt_s (local.get $hi) (local.get $lo))))

  ;; $dw is dw_s8o. A 3×3 filter without dilation or filter offset leaves
  ;; the pixels whose taps are all inside to $dw3x3. Per output pixel the
  ;; taps inside the input (fy0…fy1 × fx0…fx1) are worked out once; then channels go 16 at a time (four
  ;; int32x4 accumulators: x + off and w + woff widened to int16 lanes,
  ;; i32x4.extmul), then 8 at a time, then one at a time, walking the taps
  ;; with pointers.
  (func $dw
    (param $B i32) (param $H i32) (param $W i32) (param $C i32) (param $OH i32) (param $OW i32)
    (param $FH i32) (param $FW i32) (param $sh i32) (param $sw i32) (param $ph i32) (param $pw i32)
    (param $dh i32) (param $dw i32) (param $off i32) (param $woff i32) (param $in i32) (param $w i32) (param $bias i32) (param $acc i32)
    (param $rq i32) (param $out i32)
    (local $mode i32) (local $shl i32) (local $zpv v128) (local $lov v128) (local $hiv v128) (local $op i32)
    (local $b i32) (local $y i32) (local $x i32) (local $iy0 i32) (local $ix0 i32) (local $fy i32) (local $fx i32)
    (local $fy0 i32) (local $fy1 i32) (local $fx0 i32) (local $fx1 i32) (local $c i32) (local $img i32)
    (local $xp i32) (local $wp i32) (local $xstep i32) (local $s i32)
    (local $offv v128) (local $woffv v128) (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $xv v128) (local $wv v128) (local $xl v128) (local $wl v128) (local $fast i32) (local $acc0 i32)
    (local.set $offv (i16x8.splat (local.get $off)))
    (local.set $woffv (i16x8.splat (local.get $woff)))
    (local.set $xstep (i32.mul (local.get $dw) (local.get $C)))
    (local.set $img (local.get $in))
    ;; 3×3, no dilation, no filter offset: pixels whose taps are all inside
    ;; are left to $dw3x3
    (local.set $fast (i32.and (i32.and (i32.eqz (local.get $woff)) (i32.and (i32.eq (local.get $FH) (i32.const 3)) (i32.eq (local.get $FW) (i32.const 3))))
      (i32.and (i32.eq (local.get $dh) (i32.const 1)) (i32.eq (local.get $dw) (i32.const 1)))))
    (local.set $acc0 (local.get $acc))
    (local.set $op (local.get $out))
    (if (local.get $out) ;; dw_rq_s8: the output stage's constants
      (then
        (call $rqConsts (local.get $rq))
        (local.set $hiv) (local.set $lov) (local.set $zpv) (local.set $shl) (local.set $mode)))
    (block $done (loop $lb
      (br_if $done (i32.ge_u (local.get $b) (local.get $B)))
      (local.set $y (i32.const 0))
      (block $ydone (loop $ly
        (br_if $ydone (i32.ge_u (local.get $y) (local.get $OH)))
        (local.set $iy0 (i32.sub (i32.mul (local.get $y) (local.get $sh)) (local.get $ph)))
        (local.set $fy0 (call $tapLo (local.get $iy0) (local.get $dh)))
        (local.set $fy1 (call $tapHi (local.get $iy0) (local.get $dh) (local.get $FH) (local.get $H) (local.get $fy0)))
        (local.set $x (i32.const 0))
        (block $xdone (loop $lx
          (br_if $xdone (i32.ge_u (local.get $x) (local.get $OW)))
          (local.set $ix0 (i32.sub (i32.mul (local.get $x) (local.get $sw)) (local.get $pw)))
          (local.set $fx0 (call $tapLo (local.get $ix0) (local.get $dw)))
          (local.set $fx1 (call $tapHi (local.get $ix0) (local.get $dw) (local.get $FW) (local.get $W) (local.get $fx0)))
          (if (i32.and (local.get $fast) (i32.and (i32.and (i32.eqz (local.get $fy0)) (i32.eq (local.get $fy1) (i32.const 3)))
                (i32.and (i32.eqz (local.get $fx0)) (i32.eq (local.get $fx1) (i32.const 3)))))
            (then ;; $dw3x3's
              (local.set $acc (i32.add (local.get $acc) (i32.shl (local.get $C) (i32.const 2))))
              (local.set $op (i32.add (local.get $op) (local.get $C)))
              (local.set $x (i32.add (local.get $x) (i32.const 1)))
              (br $lx)))
          ;; channels 16 at a time
          (local.set $c (i32.const 0))
          (block $c16done (loop $lc
            (br_if $c16done (i32.gt_u (i32.add (local.get $c) (i32.const 16)) (local.get $C)))
            (local.set $a0 (v128.load (i32.add (local.get $bias) (i32.shl (local.get $c) (i32.const 2)))))
            (local.set $a1 (v128.load offset=16 (i32.add (local.get $bias) (i32.shl (local.get $c) (i32.const 2)))))
            (local.set $a2 (v128.load offset=32 (i32.add (local.get $bias) (i32.shl (local.get $c) (i32.const 2)))))
            (local.set $a3 (v128.load offset=48 (i32.add (local.get $bias) (i32.shl (local.get $c) (i32.const 2)))))
            (local.set $fy (local.get $fy0))
            (block $fydone (loop $lfy
              (br_if $fydone (i32.ge_u (local.get $fy) (local.get $fy1)))
              (local.set $xp (i32.add (local.get $img) (i32.add (i32.mul (i32.add (i32.mul
                (i32.add (local.get $iy0) (i32.mul (local.get $fy) (local.get $dh))) (local.get $W))
                (i32.add (local.get $ix0) (i32.mul (local.get $fx0) (local.get $dw)))) (local.get $C)) (local.get $c))))
              (local.set $wp (i32.add (local.get $w) (i32.add (i32.mul (i32.add (i32.mul (local.get $fy) (local.get $FW)) (local.get $fx0)) (local.get $C)) (local.get $c))))
              (local.set $fx (local.get $fx0))
              (block $fxdone (loop $lfx
                (br_if $fxdone (i32.ge_u (local.get $fx) (local.get $fx1)))
                (local.set $xv (v128.load (local.get $xp)))
                (local.set $wv (v128.load (local.get $wp)))
                (local.set $xl (i16x8.add (local.get $offv) (i16x8.extend_low_i8x16_s (local.get $xv))))
                (local.set $wl (i16x8.add (local.get $woffv) (i16x8.extend_low_i8x16_s (local.get $wv))))
                (local.set $a0 (i32x4.add (local.get $a0) (i32x4.extmul_low_i16x8_s (local.get $xl) (local.get $wl))))
                (local.set $a1 (i32x4.add (local.get $a1) (i32x4.extmul_high_i16x8_s (local.get $xl) (local.get $wl))))
                (local.set $xl (i16x8.add (local.get $offv) (i16x8.extend_high_i8x16_s (local.get $xv))))
                (local.set $wl (i16x8.add (local.get $woffv) (i16x8.extend_high_i8x16_s (local.get $wv))))
                (local.set $a2 (i32x4.add (local.get $a2) (i32x4.extmul_low_i16x8_s (local.get $xl) (local.get $wl))))
                (local.set $a3 (i32x4.add (local.get $a3) (i32x4.extmul_high_i16x8_s (local.get $xl) (local.get $wl))))
                (local.set $xp (i32.add (local.get $xp) (local.get $xstep)))
                (local.set $wp (i32.add (local.get $wp) (local.get $C)))
                (local.set $fx (i32.add (local.get $fx) (i32.const 1)))
                (br $lfx)))
              (local.set $fy (i32.add (local.get $fy) (i32.const 1)))
              (br $lfy)))
            (v128.store (i32.add (local.get $acc) (i32.shl (local.get $c) (i32.const 2))) (local.get $a0))
            (v128.store offset=16 (i32.add (local.get $acc) (i32.shl (local.get $c) (i32.const 2))) (local.get $a1))
            (v128.store offset=32 (i32.add (local.get $acc) (i32.shl (local.get $c) (i32.const 2))) (local.get $a2))
            (v128.store offset=48 (i32.add (local.get $acc) (i32.shl (local.get $c) (i32.const 2))) (local.get $a3))
            (local.set $c (i32.add (local.get $c) (i32.const 16)))
            (br $lc)))
          ;; then 8
          (if (i32.le_u (i32.add (local.get $c) (i32.const 8)) (local.get $C))
            (then
              (local.set $a0 (v128.load (i32.add (local.get $bias) (i32.shl (local.get $c) (i32.const 2)))))
              (local.set $a1 (v128.load offset=16 (i32.add (local.get $bias) (i32.shl (local.get $c) (i32.const 2)))))
              (local.set $fy (local.get $fy0))
              (block $fydone (loop $lfy
                (br_if $fydone (i32.ge_u (local.get $fy) (local.get $fy1)))
                (local.set $xp (i32.add (local.get $img) (i32.add (i32.mul (i32.add (i32.mul
                  (i32.add (local.get $iy0) (i32.mul (local.get $fy) (local.get $dh))) (local.get $W))
                  (i32.add (local.get $ix0) (i32.mul (local.get $fx0) (local.get $dw)))) (local.get $C)) (local.get $c))))
                (local.set $wp (i32.add (local.get $w) (i32.add (i32.mul (i32.add (i32.mul (local.get $fy) (local.get $FW)) (local.get $fx0)) (local.get $C)) (local.get $c))))
                (local.set $fx (local.get $fx0))
                (block $fxdone (loop $lfx
                  (br_if $fxdone (i32.ge_u (local.get $fx) (local.get $fx1)))
                  (local.set $xl (i16x8.add (local.get $offv) (v128.load8x8_s (local.get $xp))))
                  (local.set $wl (i16x8.add (local.get $woffv) (v128.load8x8_s (local.get $wp))))
                  (local.set $a0 (i32x4.add (local.get $a0) (i32x4.extmul_low_i16x8_s (local.get $xl) (local.get $wl))))
                  (local.set $a1 (i32x4.add (local.get $a1) (i32x4.extmul_high_i16x8_s (local.get $xl) (local.get $wl))))
                  (local.set $xp (i32.add (local.get $xp) (local.get $xstep)))
                  (local.set $wp (i32.add (local.get $wp) (local.get $C)))
                  (local.set $fx (i32.add (local.get $fx) (i32.const 1)))
                  (br $lfx)))
                (local.set $fy (i32.add (local.get $fy) (i32.const 1)))
                (br $lfy)))
              (v128.store (i32.add (local.get $acc) (i32.shl (local.get $c) (i32.const 2))) (local.get $a0))
              (v128.store offset=16 (i32.add (local.get $acc) (i32.shl (local.get $c) (i32.const 2))) (local.get $a1))
              (local.set $c (i32.add (local.get $c) (i32.const 8)))))
          ;; the last C mod 8 channels
          (block $cdone (loop $lc
            (br_if $cdone (i32.ge_u (local.get $c) (local.get $C)))
            (local.set $s (i32.load (i32.add (local.get $bias) (i32.shl (local.get $c) (i32.const 2)))))
            (local.set $fy (local.get $fy0))
            (block $fydone (loop $lfy
              (br_if $fydone (i32.ge_u (local.get $fy) (local.get $fy1)))
              (local.set $xp (i32.add (local.get $img) (i32.add (i32.mul (i32.add (i32.mul
                (i32.add (local.get $iy0) (i32.mul (local.get $fy) (local.get $dh))) (local.get $W))
                (i32.add (local.get $ix0) (i32.mul (local.get $fx0) (local.get $dw)))) (local.get $C)) (local.get $c))))
              (local.set $wp (i32.add (local.get $w) (i32.add (i32.mul (i32.add (i32.mul (local.get $fy) (local.get $FW)) (local.get $fx0)) (local.get $C)) (local.get $c))))
              (local.set $fx (local.get $fx0))
              (block $fxdone (loop $lfx
                (br_if $fxdone (i32.ge_u (local.get $fx) (local.get $fx1)))
                (local.set $s (i32.add (local.get $s) (i32.mul
                  (i32.add (local.get $off) (i32.load8_s (local.get $xp)))
                  (i32.add (local.get $woff) (i32.load8_s (local.get $wp))))))
                (local.set $xp (i32.add (local.get $xp) (local.get $xstep)))
                (local.set $wp (i32.add (local.get $wp) (local.get $C)))
                (local.set $fx (i32.add (local.get $fx) (i32.const 1)))
                (br $lfx)))
              (local.set $fy (i32.add (local.get $fy) (i32.const 1)))
              (br $lfy)))
            (i32.store (i32.add (local.get $acc) (i32.shl (local.get $c) (i32.const 2))) (local.get $s))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (br $lc)))
          (if (local.get $out) ;; dw_rq_s8: the pixel's outputs
            (then
              (call $rqRow (local.get $acc) (local.get $op) (local.get $C) (local.get $rq)
                (local.get $mode) (local.get $shl) (local.get $zpv) (local.get $lov) (local.get $hiv))
              (local.set $op (i32.add (local.get $op) (local.get $C)))))
          (local.set $acc (i32.add (local.get $acc) (i32.shl (local.get $C) (i32.const 2))))
          (local.set $x (i32.add (local.get $x) (i32.const 1)))
          (br $lx)))
        (local.set $y (i32.add (local.get $y) (i32.const 1)))
        (br $ly)))
      (local.set $img (i32.add (local.get $img) (i32.mul (i32.mul (local.get $H) (local.get $W)) (local.get $C))))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br $lb)))
    (if (local.get $fast)
      (then (call $dw3x3 (local.get $B) (local.get $H) (local.get $W) (local.get $C) (local.get $OH) (local.get $OW)
        (local.get $sh) (local.get $sw) (local.get $ph) (local.get $pw) (local.get $off) (local.get $in) (local.get $w) (local.get $bias) (local.get $acc0)
        (local.get $rq) (local.get $out) (local.get $mode) (local.get $shl) (local.get $zpv) (local.get $lov) (local.get $hiv)))))

  ;; $rqRow is dw_rq_s8's output stage for one pixel: C (a multiple of 4)
  ;; accumulators at acc into C bytes at out, 4 channels at a time, with the
  ;; table at rq and $rqConsts's values: the formulas of $rqDoubleRows4,
  ;; $rqSingleRows4 and $rqFP32Rows4, one loop per mode. (These formulas are
  ;; written out here and in $dw3x3 rather than called: Node 20's V8 does
  ;; not inline WebAssembly calls, and a call per 4 channels made dw_rq_s8
  ;; 5–16% slower than dw_s8 with rq_fixed for double rounding, measured.)
  (func $rqRow (param $acc i32) (param $out i32) (param $C i32) (param $rq i32)
    (param $mode i32) (param $shl i32) (param $zpv v128) (param $lov v128) (param $hiv v128)
    (local $t i32) (local $C4 i32) (local $end i32) (local $x v128) (local $m v128) (local $l v128) (local $k v128) (local $p v128)
    (local $sa0 v128) (local $sa1 v128) (local $svv v128) (local $szero v128)
    (local.set $C4 (i32.shl (local.get $C) (i32.const 2)))
    (local.set $t (i32.add (local.get $rq) (i32.const 32))) ;; T0 of channel c, as acc walks
    (local.set $end (i32.add (local.get $acc) (local.get $C4)))
    (if (i32.eq (local.get $mode) (i32.const 1))
      (then
      (block $done (loop $l
        (br_if $done (i32.ge_u (local.get $acc) (local.get $end)))
        (local.set $x (v128.load (local.get $acc)))
        (local.set $m (v128.load (local.get $t)))
        (local.set $l (v128.load (i32.add (local.get $t) (local.get $C4))))
        (local.set $k (v128.load (i32.add (local.get $t) (i32.mul (local.get $C4) (i32.const 3)))))
        (local.set $p (v128.load (i32.add (local.get $t) (i32.shl (local.get $C4) (i32.const 2)))))
        (local.set $p (i32x4.shr_u (local.get $p) (i32.const 1)))
        (if (local.get $shl) (then (local.set $x (i32x4.mul (local.get $x) (local.get $l)))))
        (local.set $sa0 (i64x2.shr_u (i64x2.add (i64x2.extmul_low_i32x4_s (local.get $x) (local.get $m)) (v128.const i64x2 0x40000000 0x40000000)) (i32.const 31)))
        (local.set $sa1 (i64x2.shr_u (i64x2.add (i64x2.extmul_high_i32x4_s (local.get $x) (local.get $m)) (v128.const i64x2 0x40000000 0x40000000)) (i32.const 31)))
        (local.set $svv (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $sa0) (local.get $sa1)))
        (local.set $x (i32x4.add (local.get $svv) (i32x4.shr_s (local.get $svv) (i32.const 31))))
        (local.set $sa0 (i64x2.shr_u (i64x2.add (i64x2.extmul_low_i32x4_s (local.get $x) (local.get $p)) (v128.const i64x2 0x40000000 0x40000000)) (i32.const 31)))
        (local.set $sa1 (i64x2.shr_u (i64x2.add (i64x2.extmul_high_i32x4_s (local.get $x) (local.get $p)) (v128.const i64x2 0x40000000 0x40000000)) (i32.const 31)))
        (local.set $x (v128.bitselect (local.get $svv) (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $sa0) (local.get $sa1))
          (i32x4.eq (local.get $p) (v128.const i32x4 0 0 0 0))))
        (local.set $x (i32x4.min_s (i32x4.max_s (i32x4.add (local.get $x) (local.get $zpv)) (local.get $lov)) (local.get $hiv)))
        (v128.store32_lane 0 (local.get $out) (i8x16.shuffle 0 4 8 12 0 0 0 0 0 0 0 0 0 0 0 0 (local.get $x) (local.get $x)))
        (local.set $acc (i32.add (local.get $acc) (i32.const 16)))
        (local.set $t (i32.add (local.get $t) (i32.const 16)))
        (local.set $out (i32.add (local.get $out) (i32.const 4)))
        (br $l)))
        (return)))
    (if (i32.eq (local.get $mode) (i32.const 4))
      (then
      (block $done (loop $l
        (br_if $done (i32.ge_u (local.get $acc) (local.get $end)))
        (local.set $x (v128.load (local.get $acc)))
        (local.set $m (v128.load (local.get $t)))
        (local.set $l (v128.load (i32.add (local.get $t) (local.get $C4))))
        (local.set $k (v128.load (i32.add (local.get $t) (i32.mul (local.get $C4) (i32.const 3)))))
        (local.set $p (v128.load (i32.add (local.get $t) (i32.shl (local.get $C4) (i32.const 2)))))
        (local.set $p (i32x4.shl (local.get $p) (i32.const 1)))
        (local.set $sa0 (i64x2.shr_u (i64x2.extmul_low_i32x4_s (local.get $x) (local.get $m)) (i32.const 31)))
        (local.set $sa1 (i64x2.shr_u (i64x2.extmul_high_i32x4_s (local.get $x) (local.get $m)) (i32.const 31)))
        (local.set $svv (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $sa0) (local.get $sa1)))
        (local.set $sa0 (i64x2.extmul_low_i32x4_u (local.get $svv) (local.get $p)))
        (local.set $sa1 (i64x2.extmul_high_i32x4_u (local.get $svv) (local.get $p)))
        (local.set $x (i32x4.sub (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $sa0) (local.get $sa1))
          (v128.and (local.get $p) (i32x4.shr_s (local.get $svv) (i32.const 31)))))
        (local.set $x (i32x4.add (i32x4.shr_s (local.get $x) (i32.const 1)) (v128.and (local.get $x) (v128.const i32x4 1 1 1 1))))
        (local.set $x (i32x4.min_s (i32x4.max_s (i32x4.add (local.get $x) (local.get $zpv)) (local.get $lov)) (local.get $hiv)))
        (v128.store32_lane 0 (local.get $out) (i8x16.shuffle 0 4 8 12 0 0 0 0 0 0 0 0 0 0 0 0 (local.get $x) (local.get $x)))
        (local.set $acc (i32.add (local.get $acc) (i32.const 16)))
        (local.set $t (i32.add (local.get $t) (i32.const 16)))
        (local.set $out (i32.add (local.get $out) (i32.const 4)))
        (br $l)))
        (return)))
    (if (i32.eq (local.get $mode) (i32.const 3))
      (then
      (block $done (loop $l
        (br_if $done (i32.ge_u (local.get $acc) (local.get $end)))
        (local.set $x (v128.load (local.get $acc)))
        (local.set $m (v128.load (local.get $t)))
        (local.set $l (v128.load (i32.add (local.get $t) (local.get $C4))))
        (local.set $k (v128.load (i32.add (local.get $t) (i32.mul (local.get $C4) (i32.const 3)))))
        (local.set $p (v128.load (i32.add (local.get $t) (i32.shl (local.get $C4) (i32.const 2)))))
        (local.set $x (i32x4.add (f32x4.add (f32x4.pmin (f32x4.pmax (f32x4.mul (f32x4.convert_i32x4_s (local.get $x)) (local.get $m))
          (local.get $lov)) (local.get $hiv)) (v128.const f32x4 12582912 12582912 12582912 12582912)) (local.get $zpv)))
        (v128.store32_lane 0 (local.get $out) (i8x16.shuffle 0 4 8 12 0 0 0 0 0 0 0 0 0 0 0 0 (local.get $x) (local.get $x)))
        (local.set $acc (i32.add (local.get $acc) (i32.const 16)))
        (local.set $t (i32.add (local.get $t) (i32.const 16)))
        (local.set $out (i32.add (local.get $out) (i32.const 4)))
        (br $l)))
        (return)))
      (block $done (loop $l
        (br_if $done (i32.ge_u (local.get $acc) (local.get $end)))
        (local.set $x (v128.load (local.get $acc)))
        (local.set $m (v128.load (local.get $t)))
        (local.set $l (v128.load (i32.add (local.get $t) (local.get $C4))))
        (local.set $k (v128.load (i32.add (local.get $t) (i32.mul (local.get $C4) (i32.const 3)))))
        (local.set $p (v128.load (i32.add (local.get $t) (i32.shl (local.get $C4) (i32.const 2)))))
        (local.set $szero (i32x4.eq (local.get $k) (v128.const i32x4 0 0 0 0)))
        (local.set $svv (v128.and (local.get $szero) (v128.const i32x4 0x40000000 0x40000000 0x40000000 0x40000000)))
        (local.set $sa0 (i64x2.shr_u (i64x2.add (i64x2.extmul_low_i32x4_s (local.get $x) (local.get $m)) (i64x2.extend_low_i32x4_s (local.get $svv))) (i32.const 31)))
        (local.set $sa1 (i64x2.shr_u (i64x2.add (i64x2.extmul_high_i32x4_s (local.get $x) (local.get $m)) (i64x2.extend_high_i32x4_s (local.get $svv))) (i32.const 31)))
        (local.set $svv (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $sa0) (local.get $sa1)))
        (local.set $sa0 (i64x2.extmul_low_i32x4_u (local.get $svv) (local.get $p)))
        (local.set $sa1 (i64x2.extmul_high_i32x4_u (local.get $svv) (local.get $p)))
        (local.set $x (i32x4.add (i32x4.sub (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $sa0) (local.get $sa1))
          (v128.and (local.get $p) (i32x4.shr_s (local.get $svv) (i32.const 31)))) (v128.and (local.get $svv) (local.get $szero))))
        (local.set $x (i32x4.add (local.get $x) (i32x4.shr_u (i32x4.sub (i32x4.shr_s (local.get $k) (i32.const 1)) (v128.and (local.get $svv) (local.get $k))) (i32.const 31))))
        (local.set $x (i32x4.min_s (i32x4.max_s (i32x4.add (local.get $x) (local.get $zpv)) (local.get $lov)) (local.get $hiv)))
        (v128.store32_lane 0 (local.get $out) (i8x16.shuffle 0 4 8 12 0 0 0 0 0 0 0 0 0 0 0 0 (local.get $x) (local.get $x)))
        (local.set $acc (i32.add (local.get $acc) (i32.const 16)))
        (local.set $t (i32.add (local.get $t) (i32.const 16)))
        (local.set $out (i32.add (local.get $out) (i32.const 4)))
        (br $l))))

  ;; $dw3x3 is $dw for a 3×3 filter without dilation or filter offset, on
  ;; the output pixels whose 9 taps are all inside the input (the rest $dw
  ;; computes): Σ (x + off)·w = off·Σ w + Σ x·w, so the bias plus off·Σ w is
  ;; worked out once per channel and the taps multiply the int8 values
  ;; themselves (int32 sums wrap the same either way). Channels go 8 at a
  ;; time in the outer loop; their taps, widened to int16, are paired
  ;; channel by channel ([w0 w1] per channel, then [w2 w3], …, [w8 0]) and
  ;; held in locals across the pixels, where the inputs of two taps,
  ;; interleaved the same way, meet them in i32x4.dot_i16x8_s (XNNPACK's
  ;; wasmsimd DWCONV multiplies tap by tap instead). The last C mod 8
  ;; channels one at a time.
  (func $dw3x3
    (param $B i32) (param $H i32) (param $W i32) (param $C i32) (param $OH i32) (param $OW i32)
    (param $sh i32) (param $sw i32) (param $ph i32) (param $pw i32) (param $off i32) (param $in i32) (param $w i32) (param $bias i32) (param $acc i32)
    (param $rq i32) (param $out i32) (param $mode i32) (param $shl i32) (param $zpv v128) (param $lov v128) (param $hiv v128)
    (local $op i32) (local $tq i32) (local $C4 i32) (local $sa0 v128) (local $sa1 v128) (local $svv v128) (local $szero v128)
    (local $rm0 v128) (local $rm1 v128) (local $rl0 v128) (local $rl1 v128) (local $rk0 v128) (local $rk1 v128) (local $rp0 v128) (local $rp1 v128)
    (local $c i32) (local $C8 i32) (local $b i32) (local $y i32) (local $x i32) (local $iy0 i32) (local $ix0 i32)
    (local $img i32) (local $xp i32) (local $wp i32) (local $ap i32) (local $WC i32) (local $s i32) (local $t i32)
    (local $o1 i32) (local $o2 i32) (local $o3 i32) (local $o4 i32) (local $o5 i32) (local $o6 i32) (local $o7 i32) (local $o8 i32)
    (local $w0 v128) (local $w1 v128) (local $w2 v128) (local $w3 v128) (local $w4 v128) (local $w5 v128) (local $w6 v128) (local $w7 v128) (local $w8 v128) (local $w9 v128)
    (local $p0l v128) (local $p0h v128) (local $p1l v128) (local $p1h v128) (local $p2l v128) (local $p2h v128)
    (local $p3l v128) (local $p3h v128) (local $p4l v128) (local $p4h v128)
    (local $b0 v128) (local $b1 v128) (local $a0 v128) (local $a1 v128) (local $xv v128) (local $xw v128) (local $offv v128)
    (local.set $C8 (i32.and (local.get $C) (i32.const -8)))
    (local.set $WC (i32.mul (local.get $W) (local.get $C)))
    ;; tap t = 3·fy + fx of a pixel is o_t bytes from its first (filter
    ;; taps are C apart)
    (local.set $o1 (i32.add (i32.mul (i32.const 0) (local.get $WC)) (i32.mul (i32.const 1) (local.get $C))))
    (local.set $o2 (i32.add (i32.mul (i32.const 0) (local.get $WC)) (i32.mul (i32.const 2) (local.get $C))))
    (local.set $o3 (i32.add (i32.mul (i32.const 1) (local.get $WC)) (i32.mul (i32.const 0) (local.get $C))))
    (local.set $o4 (i32.add (i32.mul (i32.const 1) (local.get $WC)) (i32.mul (i32.const 1) (local.get $C))))
    (local.set $o5 (i32.add (i32.mul (i32.const 1) (local.get $WC)) (i32.mul (i32.const 2) (local.get $C))))
    (local.set $o6 (i32.add (i32.mul (i32.const 2) (local.get $WC)) (i32.mul (i32.const 0) (local.get $C))))
    (local.set $o7 (i32.add (i32.mul (i32.const 2) (local.get $WC)) (i32.mul (i32.const 1) (local.get $C))))
    (local.set $o8 (i32.add (i32.mul (i32.const 2) (local.get $WC)) (i32.mul (i32.const 2) (local.get $C))))
    (local.set $offv (i32x4.splat (local.get $off)))
    (local.set $C4 (i32.shl (local.get $C) (i32.const 2)))
    (block $cdone (loop $lc
      (br_if $cdone (i32.ge_u (local.get $c) (local.get $C)))
      (if (i32.lt_u (local.get $c) (local.get $C8))
        (then ;; the 9 taps of channels c…c+7, paired, and bias + off·Σ w
          (local.set $wp (i32.add (local.get $w) (local.get $c)))
          (local.set $w0 (v128.load8x8_s (i32.add (local.get $wp) (i32.mul (i32.const 0) (local.get $C)))))
          (local.set $w1 (v128.load8x8_s (i32.add (local.get $wp) (i32.mul (i32.const 1) (local.get $C)))))
          (local.set $w2 (v128.load8x8_s (i32.add (local.get $wp) (i32.mul (i32.const 2) (local.get $C)))))
          (local.set $w3 (v128.load8x8_s (i32.add (local.get $wp) (i32.mul (i32.const 3) (local.get $C)))))
          (local.set $w4 (v128.load8x8_s (i32.add (local.get $wp) (i32.mul (i32.const 4) (local.get $C)))))
          (local.set $w5 (v128.load8x8_s (i32.add (local.get $wp) (i32.mul (i32.const 5) (local.get $C)))))
          (local.set $w6 (v128.load8x8_s (i32.add (local.get $wp) (i32.mul (i32.const 6) (local.get $C)))))
          (local.set $w7 (v128.load8x8_s (i32.add (local.get $wp) (i32.mul (i32.const 7) (local.get $C)))))
          (local.set $w8 (v128.load8x8_s (i32.add (local.get $wp) (i32.mul (i32.const 8) (local.get $C)))))
          (local.set $w9 (v128.const i32x4 0 0 0 0))
          (local.set $p0l (i8x16.shuffle 0 1 16 17 2 3 18 19 4 5 20 21 6 7 22 23 (local.get $w0) (local.get $w1)))
          (local.set $p0h (i8x16.shuffle 8 9 24 25 10 11 26 27 12 13 28 29 14 15 30 31 (local.get $w0) (local.get $w1)))
          (local.set $p1l (i8x16.shuffle 0 1 16 17 2 3 18 19 4 5 20 21 6 7 22 23 (local.get $w2) (local.get $w3)))
          (local.set $p1h (i8x16.shuffle 8 9 24 25 10 11 26 27 12 13 28 29 14 15 30 31 (local.get $w2) (local.get $w3)))
          (local.set $p2l (i8x16.shuffle 0 1 16 17 2 3 18 19 4 5 20 21 6 7 22 23 (local.get $w4) (local.get $w5)))
          (local.set $p2h (i8x16.shuffle 8 9 24 25 10 11 26 27 12 13 28 29 14 15 30 31 (local.get $w4) (local.get $w5)))
          (local.set $p3l (i8x16.shuffle 0 1 16 17 2 3 18 19 4 5 20 21 6 7 22 23 (local.get $w6) (local.get $w7)))
          (local.set $p3h (i8x16.shuffle 8 9 24 25 10 11 26 27 12 13 28 29 14 15 30 31 (local.get $w6) (local.get $w7)))
          (local.set $p4l (i8x16.shuffle 0 1 16 17 2 3 18 19 4 5 20 21 6 7 22 23 (local.get $w8) (local.get $w9)))
          (local.set $p4h (i8x16.shuffle 8 9 24 25 10 11 26 27 12 13 28 29 14 15 30 31 (local.get $w8) (local.get $w9)))
          (local.set $xv (i16x8.add (i16x8.add (i16x8.add (local.get $w0) (local.get $w1)) (i16x8.add (local.get $w2) (local.get $w3)))
            (i16x8.add (i16x8.add (i16x8.add (local.get $w4) (local.get $w5)) (i16x8.add (local.get $w6) (local.get $w7))) (local.get $w8))))
          (local.set $b0 (i32x4.add (v128.load (i32.add (local.get $bias) (i32.shl (local.get $c) (i32.const 2))))
            (i32x4.mul (i32x4.extend_low_i16x8_s (local.get $xv)) (local.get $offv))))
          (local.set $b1 (i32x4.add (v128.load offset=16 (i32.add (local.get $bias) (i32.shl (local.get $c) (i32.const 2))))
            (i32x4.mul (i32x4.extend_high_i16x8_s (local.get $xv)) (local.get $offv))))
          (if (local.get $out) ;; dw_rq_s8: the 8 channels' table values (T0, T1, T3, T4)
            (then
              (local.set $tq (i32.add (i32.add (local.get $rq) (i32.const 32)) (i32.shl (local.get $c) (i32.const 2))))
              (local.set $rm0 (v128.load (local.get $tq)))
              (local.set $rm1 (v128.load offset=16 (local.get $tq)))
              (local.set $rl0 (v128.load (i32.add (local.get $tq) (local.get $C4))))
              (local.set $rl1 (v128.load offset=16 (i32.add (local.get $tq) (local.get $C4))))
              (local.set $rk0 (v128.load (i32.add (local.get $tq) (i32.mul (local.get $C4) (i32.const 3)))))
              (local.set $rk1 (v128.load offset=16 (i32.add (local.get $tq) (i32.mul (local.get $C4) (i32.const 3)))))
              (local.set $rp0 (v128.load (i32.add (local.get $tq) (i32.shl (local.get $C4) (i32.const 2)))))
              (local.set $rp1 (v128.load offset=16 (i32.add (local.get $tq) (i32.shl (local.get $C4) (i32.const 2)))))
              (if (i32.eq (local.get $mode) (i32.const 1))
                (then
                  (local.set $rp0 (i32x4.shr_u (local.get $rp0) (i32.const 1)))
                  (local.set $rp1 (i32x4.shr_u (local.get $rp1) (i32.const 1)))))
              (if (i32.eq (local.get $mode) (i32.const 4)) ;; 2^(33−r)
                (then
                  (local.set $rp0 (i32x4.shl (local.get $rp0) (i32.const 1)))
                  (local.set $rp1 (i32x4.shl (local.get $rp1) (i32.const 1)))))))))
      (local.set $img (local.get $in))
      (local.set $op (i32.add (local.get $out) (local.get $c)))
      (local.set $ap (i32.add (local.get $acc) (i32.shl (local.get $c) (i32.const 2))))
      (local.set $b (i32.const 0))
      (block $bdone (loop $lb
        (br_if $bdone (i32.ge_u (local.get $b) (local.get $B)))
        (local.set $y (i32.const 0))
        (block $ydone (loop $ly
          (br_if $ydone (i32.ge_u (local.get $y) (local.get $OH)))
          (local.set $iy0 (i32.sub (i32.mul (local.get $y) (local.get $sh)) (local.get $ph)))
          (local.set $x (i32.const 0))
          (block $xdone (loop $lx
            (br_if $xdone (i32.ge_u (local.get $x) (local.get $OW)))
            (local.set $ix0 (i32.sub (i32.mul (local.get $x) (local.get $sw)) (local.get $pw)))
            (if (i32.and (i32.and (i32.ge_s (local.get $iy0) (i32.const 0)) (i32.le_s (i32.add (local.get $iy0) (i32.const 3)) (local.get $H)))
                  (i32.and (i32.ge_s (local.get $ix0) (i32.const 0)) (i32.le_s (i32.add (local.get $ix0) (i32.const 3)) (local.get $W))))
              (then
                (local.set $xp (i32.add (local.get $img)
                  (i32.add (i32.mul (i32.add (i32.mul (local.get $iy0) (local.get $W)) (local.get $ix0)) (local.get $C)) (local.get $c))))
                (if (i32.lt_u (local.get $c) (local.get $C8))
                  (then
                (local.set $a0 (local.get $b0))
                (local.set $a1 (local.get $b1))
                (local.set $xv (v128.load8x8_s (local.get $xp)))
                (local.set $xw (v128.load8x8_s (i32.add (local.get $xp) (local.get $o1))))
                (local.set $a0 (i32x4.add (local.get $a0) (i32x4.dot_i16x8_s (i8x16.shuffle 0 1 16 17 2 3 18 19 4 5 20 21 6 7 22 23 (local.get $xv) (local.get $xw)) (local.get $p0l))))
                (local.set $a1 (i32x4.add (local.get $a1) (i32x4.dot_i16x8_s (i8x16.shuffle 8 9 24 25 10 11 26 27 12 13 28 29 14 15 30 31 (local.get $xv) (local.get $xw)) (local.get $p0h))))
                (local.set $xv (v128.load8x8_s (i32.add (local.get $xp) (local.get $o2))))
                (local.set $xw (v128.load8x8_s (i32.add (local.get $xp) (local.get $o3))))
                (local.set $a0 (i32x4.add (local.get $a0) (i32x4.dot_i16x8_s (i8x16.shuffle 0 1 16 17 2 3 18 19 4 5 20 21 6 7 22 23 (local.get $xv) (local.get $xw)) (local.get $p1l))))
                (local.set $a1 (i32x4.add (local.get $a1) (i32x4.dot_i16x8_s (i8x16.shuffle 8 9 24 25 10 11 26 27 12 13 28 29 14 15 30 31 (local.get $xv) (local.get $xw)) (local.get $p1h))))
                (local.set $xv (v128.load8x8_s (i32.add (local.get $xp) (local.get $o4))))
                (local.set $xw (v128.load8x8_s (i32.add (local.get $xp) (local.get $o5))))
                (local.set $a0 (i32x4.add (local.get $a0) (i32x4.dot_i16x8_s (i8x16.shuffle 0 1 16 17 2 3 18 19 4 5 20 21 6 7 22 23 (local.get $xv) (local.get $xw)) (local.get $p2l))))
                (local.set $a1 (i32x4.add (local.get $a1) (i32x4.dot_i16x8_s (i8x16.shuffle 8 9 24 25 10 11 26 27 12 13 28 29 14 15 30 31 (local.get $xv) (local.get $xw)) (local.get $p2h))))
                (local.set $xv (v128.load8x8_s (i32.add (local.get $xp) (local.get $o6))))
                (local.set $xw (v128.load8x8_s (i32.add (local.get $xp) (local.get $o7))))
                (local.set $a0 (i32x4.add (local.get $a0) (i32x4.dot_i16x8_s (i8x16.shuffle 0 1 16 17 2 3 18 19 4 5 20 21 6 7 22 23 (local.get $xv) (local.get $xw)) (local.get $p3l))))
                (local.set $a1 (i32x4.add (local.get $a1) (i32x4.dot_i16x8_s (i8x16.shuffle 8 9 24 25 10 11 26 27 12 13 28 29 14 15 30 31 (local.get $xv) (local.get $xw)) (local.get $p3h))))
                (local.set $xv (v128.load8x8_s (i32.add (local.get $xp) (local.get $o8))))
                (local.set $xw (v128.const i32x4 0 0 0 0))
                (local.set $a0 (i32x4.add (local.get $a0) (i32x4.dot_i16x8_s (i8x16.shuffle 0 1 16 17 2 3 18 19 4 5 20 21 6 7 22 23 (local.get $xv) (local.get $xw)) (local.get $p4l))))
                (local.set $a1 (i32x4.add (local.get $a1) (i32x4.dot_i16x8_s (i8x16.shuffle 8 9 24 25 10 11 26 27 12 13 28 29 14 15 30 31 (local.get $xv) (local.get $xw)) (local.get $p4h))))
                (if (local.get $out)
                  (then ;; dw_rq_s8: 8 output bytes, the accumulators never stored
                    (block $stored
                    (if (i32.eq (local.get $mode) (i32.const 1))
                      (then
                        (if (local.get $shl) (then (local.set $a0 (i32x4.mul (local.get $a0) (local.get $rl0)))))
                        (local.set $sa0 (i64x2.shr_u (i64x2.add (i64x2.extmul_low_i32x4_s (local.get $a0) (local.get $rm0)) (v128.const i64x2 0x40000000 0x40000000)) (i32.const 31)))
                        (local.set $sa1 (i64x2.shr_u (i64x2.add (i64x2.extmul_high_i32x4_s (local.get $a0) (local.get $rm0)) (v128.const i64x2 0x40000000 0x40000000)) (i32.const 31)))
                        (local.set $svv (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $sa0) (local.get $sa1)))
                        (local.set $a0 (i32x4.add (local.get $svv) (i32x4.shr_s (local.get $svv) (i32.const 31))))
                        (local.set $sa0 (i64x2.shr_u (i64x2.add (i64x2.extmul_low_i32x4_s (local.get $a0) (local.get $rp0)) (v128.const i64x2 0x40000000 0x40000000)) (i32.const 31)))
                        (local.set $sa1 (i64x2.shr_u (i64x2.add (i64x2.extmul_high_i32x4_s (local.get $a0) (local.get $rp0)) (v128.const i64x2 0x40000000 0x40000000)) (i32.const 31)))
                        (local.set $a0 (v128.bitselect (local.get $svv) (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $sa0) (local.get $sa1))
                          (i32x4.eq (local.get $rp0) (v128.const i32x4 0 0 0 0))))
                        (local.set $a0 (i32x4.min_s (i32x4.max_s (i32x4.add (local.get $a0) (local.get $zpv)) (local.get $lov)) (local.get $hiv)))
                        (if (local.get $shl) (then (local.set $a1 (i32x4.mul (local.get $a1) (local.get $rl1)))))
                        (local.set $sa0 (i64x2.shr_u (i64x2.add (i64x2.extmul_low_i32x4_s (local.get $a1) (local.get $rm1)) (v128.const i64x2 0x40000000 0x40000000)) (i32.const 31)))
                        (local.set $sa1 (i64x2.shr_u (i64x2.add (i64x2.extmul_high_i32x4_s (local.get $a1) (local.get $rm1)) (v128.const i64x2 0x40000000 0x40000000)) (i32.const 31)))
                        (local.set $svv (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $sa0) (local.get $sa1)))
                        (local.set $a1 (i32x4.add (local.get $svv) (i32x4.shr_s (local.get $svv) (i32.const 31))))
                        (local.set $sa0 (i64x2.shr_u (i64x2.add (i64x2.extmul_low_i32x4_s (local.get $a1) (local.get $rp1)) (v128.const i64x2 0x40000000 0x40000000)) (i32.const 31)))
                        (local.set $sa1 (i64x2.shr_u (i64x2.add (i64x2.extmul_high_i32x4_s (local.get $a1) (local.get $rp1)) (v128.const i64x2 0x40000000 0x40000000)) (i32.const 31)))
                        (local.set $a1 (v128.bitselect (local.get $svv) (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $sa0) (local.get $sa1))
                          (i32x4.eq (local.get $rp1) (v128.const i32x4 0 0 0 0))))
                        (local.set $a1 (i32x4.min_s (i32x4.max_s (i32x4.add (local.get $a1) (local.get $zpv)) (local.get $lov)) (local.get $hiv))))
                      (else
                        (if (i32.eq (local.get $mode) (i32.const 4))
                          (then
                            (local.set $sa0 (i64x2.shr_u (i64x2.extmul_low_i32x4_s (local.get $a0) (local.get $rm0)) (i32.const 31)))
                            (local.set $sa1 (i64x2.shr_u (i64x2.extmul_high_i32x4_s (local.get $a0) (local.get $rm0)) (i32.const 31)))
                            (local.set $svv (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $sa0) (local.get $sa1)))
                            (local.set $sa0 (i64x2.extmul_low_i32x4_u (local.get $svv) (local.get $rp0)))
                            (local.set $sa1 (i64x2.extmul_high_i32x4_u (local.get $svv) (local.get $rp0)))
                            (local.set $a0 (i32x4.sub (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $sa0) (local.get $sa1))
                              (v128.and (local.get $rp0) (i32x4.shr_s (local.get $svv) (i32.const 31)))))
                            (local.set $a0 (i32x4.add (i32x4.shr_s (local.get $a0) (i32.const 1)) (v128.and (local.get $a0) (v128.const i32x4 1 1 1 1))))
                            (local.set $a0 (i32x4.min_s (i32x4.max_s (i32x4.add (local.get $a0) (local.get $zpv)) (local.get $lov)) (local.get $hiv)))
                            (local.set $sa0 (i64x2.shr_u (i64x2.extmul_low_i32x4_s (local.get $a1) (local.get $rm1)) (i32.const 31)))
                            (local.set $sa1 (i64x2.shr_u (i64x2.extmul_high_i32x4_s (local.get $a1) (local.get $rm1)) (i32.const 31)))
                            (local.set $svv (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $sa0) (local.get $sa1)))
                            (local.set $sa0 (i64x2.extmul_low_i32x4_u (local.get $svv) (local.get $rp1)))
                            (local.set $sa1 (i64x2.extmul_high_i32x4_u (local.get $svv) (local.get $rp1)))
                            (local.set $a1 (i32x4.sub (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $sa0) (local.get $sa1))
                              (v128.and (local.get $rp1) (i32x4.shr_s (local.get $svv) (i32.const 31)))))
                            (local.set $a1 (i32x4.add (i32x4.shr_s (local.get $a1) (i32.const 1)) (v128.and (local.get $a1) (v128.const i32x4 1 1 1 1))))
                            (local.set $a1 (i32x4.min_s (i32x4.max_s (i32x4.add (local.get $a1) (local.get $zpv)) (local.get $lov)) (local.get $hiv)))
                            (br $stored)))
                        (if (i32.eq (local.get $mode) (i32.const 3))
                          (then
                            (local.set $a0 (i32x4.add (f32x4.add (f32x4.pmin (f32x4.pmax (f32x4.mul (f32x4.convert_i32x4_s (local.get $a0)) (local.get $rm0))
                              (local.get $lov)) (local.get $hiv)) (v128.const f32x4 12582912 12582912 12582912 12582912)) (local.get $zpv)))
                            (local.set $a1 (i32x4.add (f32x4.add (f32x4.pmin (f32x4.pmax (f32x4.mul (f32x4.convert_i32x4_s (local.get $a1)) (local.get $rm1))
                              (local.get $lov)) (local.get $hiv)) (v128.const f32x4 12582912 12582912 12582912 12582912)) (local.get $zpv))))
                          (else
                            (local.set $szero (i32x4.eq (local.get $rk0) (v128.const i32x4 0 0 0 0)))
                            (local.set $svv (v128.and (local.get $szero) (v128.const i32x4 0x40000000 0x40000000 0x40000000 0x40000000)))
                            (local.set $sa0 (i64x2.shr_u (i64x2.add (i64x2.extmul_low_i32x4_s (local.get $a0) (local.get $rm0)) (i64x2.extend_low_i32x4_s (local.get $svv))) (i32.const 31)))
                            (local.set $sa1 (i64x2.shr_u (i64x2.add (i64x2.extmul_high_i32x4_s (local.get $a0) (local.get $rm0)) (i64x2.extend_high_i32x4_s (local.get $svv))) (i32.const 31)))
                            (local.set $svv (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $sa0) (local.get $sa1)))
                            (local.set $sa0 (i64x2.extmul_low_i32x4_u (local.get $svv) (local.get $rp0)))
                            (local.set $sa1 (i64x2.extmul_high_i32x4_u (local.get $svv) (local.get $rp0)))
                            (local.set $a0 (i32x4.add (i32x4.sub (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $sa0) (local.get $sa1))
                              (v128.and (local.get $rp0) (i32x4.shr_s (local.get $svv) (i32.const 31)))) (v128.and (local.get $svv) (local.get $szero))))
                            (local.set $a0 (i32x4.add (local.get $a0) (i32x4.shr_u (i32x4.sub (i32x4.shr_s (local.get $rk0) (i32.const 1)) (v128.and (local.get $svv) (local.get $rk0))) (i32.const 31))))
                            (local.set $a0 (i32x4.min_s (i32x4.max_s (i32x4.add (local.get $a0) (local.get $zpv)) (local.get $lov)) (local.get $hiv)))
                            (local.set $szero (i32x4.eq (local.get $rk1) (v128.const i32x4 0 0 0 0)))
                            (local.set $svv (v128.and (local.get $szero) (v128.const i32x4 0x40000000 0x40000000 0x40000000 0x40000000)))
                            (local.set $sa0 (i64x2.shr_u (i64x2.add (i64x2.extmul_low_i32x4_s (local.get $a1) (local.get $rm1)) (i64x2.extend_low_i32x4_s (local.get $svv))) (i32.const 31)))
                            (local.set $sa1 (i64x2.shr_u (i64x2.add (i64x2.extmul_high_i32x4_s (local.get $a1) (local.get $rm1)) (i64x2.extend_high_i32x4_s (local.get $svv))) (i32.const 31)))
                            (local.set $svv (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $sa0) (local.get $sa1)))
                            (local.set $sa0 (i64x2.extmul_low_i32x4_u (local.get $svv) (local.get $rp1)))
                            (local.set $sa1 (i64x2.extmul_high_i32x4_u (local.get $svv) (local.get $rp1)))
                            (local.set $a1 (i32x4.add (i32x4.sub (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $sa0) (local.get $sa1))
                              (v128.and (local.get $rp1) (i32x4.shr_s (local.get $svv) (i32.const 31)))) (v128.and (local.get $svv) (local.get $szero))))
                            (local.set $a1 (i32x4.add (local.get $a1) (i32x4.shr_u (i32x4.sub (i32x4.shr_s (local.get $rk1) (i32.const 1)) (v128.and (local.get $svv) (local.get $rk1))) (i32.const 31))))
                            (local.set $a1 (i32x4.min_s (i32x4.max_s (i32x4.add (local.get $a1) (local.get $zpv)) (local.get $lov)) (local.get $hiv)))))))
                    ) ;; $stored
                    (v128.store64_lane 0 (local.get $op)
                      (i8x16.shuffle 0 4 8 12 16 20 24 28 0 0 0 0 0 0 0 0 (local.get $a0) (local.get $a1))))
                  (else
                    (v128.store (local.get $ap) (local.get $a0))
                    (v128.store offset=16 (local.get $ap) (local.get $a1)))))
                  (else ;; one channel: bias + Σ (x + off)·w
                    (local.set $s (i32.load (i32.add (local.get $bias) (i32.shl (local.get $c) (i32.const 2)))))
                    (local.set $wp (i32.add (local.get $w) (local.get $c)))
                    (local.set $t (i32.const 0))
                    (loop $lt
                      (local.set $s (i32.add (local.get $s) (i32.mul
                        (i32.add (local.get $off) (i32.load8_s (local.get $xp))) (i32.load8_s (local.get $wp)))))
                      (local.set $wp (i32.add (local.get $wp) (local.get $C)))
                      (local.set $t (i32.add (local.get $t) (i32.const 1)))
                      (local.set $xp (i32.add (local.get $xp)
                        (select (i32.sub (local.get $WC) (i32.shl (local.get $C) (i32.const 1))) (local.get $C)
                          (i32.eqz (i32.rem_u (local.get $t) (i32.const 3))))))
                      (br_if $lt (i32.lt_u (local.get $t) (i32.const 9))))
                    (i32.store (local.get $ap) (local.get $s))))))
            (local.set $ap (i32.add (local.get $ap) (i32.shl (local.get $C) (i32.const 2))))
            (local.set $op (i32.add (local.get $op) (local.get $C)))
            (local.set $x (i32.add (local.get $x) (i32.const 1)))
            (br $lx)))
          (local.set $y (i32.add (local.get $y) (i32.const 1)))
          (br $ly)))
        (local.set $img (i32.add (local.get $img) (i32.mul (i32.mul (local.get $H) (local.get $W)) (local.get $C))))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $lb)))
      (local.set $c (i32.add (local.get $c) (select (i32.const 8) (i32.const 1) (i32.lt_u (local.get $c) (local.get $C8)))))
      (br $lc))))

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
    (local $t0 i32) (local $t1 i32) (local $t2 i32) (local $t3 i32) (local $t4 i32) (local $row i32) (local $shl i32)
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
    ;; double rounding: whether any of the n channels shifts left (T1 ≠ 1)
    (if (i32.eq (local.get $mode) (i32.const 1))
      (then
        (local.set $row (i32.const 0))
        (block $scanned (loop $ls
          (br_if $scanned (i32.ge_u (local.get $row) (local.get $n)))
          (if (i32.ne (i32.load (i32.add (local.get $t1) (i32.shl (local.get $row) (i32.const 2)))) (i32.const 1))
            (then (local.set $shl (i32.const 1)) (br $scanned)))
          (local.set $row (i32.add (local.get $row) (i32.const 1)))
          (br $ls)))))
    (loop $li
      (local.set $r (i32.const 0))
      (if (local.get $ib)
        (then (local.set $r (i32.mul (local.get $ib) (call $rowSum (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $k))) (local.get $k))))))
      (local.set $row (i32.add (local.get $acc) (i32.shl (i32.mul (local.get $i) (local.get $n)) (i32.const 2))))
      (if (i32.eq (local.get $mode) (i32.const 1))
        (then (call $rqDouble (local.get $row) (local.get $add) (local.get $r) (local.get $out) (local.get $n)
          (local.get $t0) (local.get $t1) (local.get $t2) (local.get $t3) (local.get $t4) (local.get $zp) (local.get $lo) (local.get $hi)
          (local.get $shl))))
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
    (param $tm i32) (param $tl i32) (param $tr i32) (param $tk i32) (param $tp i32) (param $zp i32) (param $lo i32) (param $hi i32) (param $shl i32)
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
        (if (local.get $shl) ;; some channel shifts left: x·2^left
          (then (local.set $xv (i32x4.mul (local.get $xv) (v128.load (local.get $tl))))))
        (local.set $mv (v128.load (local.get $tm)))
        ;; the low 32 bits of (ab + 2^30) >> 31: a logical shift gives them too
        (local.set $a0 (i64x2.shr_u (i64x2.add (i64x2.extmul_low_i32x4_s (local.get $xv) (local.get $mv)) (local.get $round)) (i32.const 31)))
        (local.set $a1 (i64x2.shr_u (i64x2.add (i64x2.extmul_high_i32x4_s (local.get $xv) (local.get $mv)) (local.get $round)) (i32.const 31)))
        (local.set $vv (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $a0) (local.get $a1)))
        ;; RoundingDivideByPOT(v, right) = ⌊(v − [v < 0] + 2^(right−1)) / 2^right⌋
        ;; = ⌊((v − [v < 0])·P + 2^30) / 2^31⌋ with P = 2^(31−right) = T4 >> 1
        ;; (right ≥ 1; v − [v < 0] does not wrap: v > −2^31 for M ≥ 0), the
        ;; low 32 bits of a logical shift again; v itself where T4 = 0 (right = 0)
        (local.set $mv (i32x4.shr_u (v128.load (local.get $tp)) (i32.const 1)))
        (local.set $xv (i32x4.add (local.get $vv) (i32x4.shr_s (local.get $vv) (i32.const 31))))
        (local.set $a0 (i64x2.shr_u (i64x2.add (i64x2.extmul_low_i32x4_s (local.get $xv) (local.get $mv)) (local.get $round)) (i32.const 31)))
        (local.set $a1 (i64x2.shr_u (i64x2.add (i64x2.extmul_high_i32x4_s (local.get $xv) (local.get $mv)) (local.get $round)) (i32.const 31)))
        (local.set $xv (v128.bitselect (local.get $vv)
          (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $a0) (local.get $a1))
          (i32x4.eq (local.get $mv) (v128.const i32x4 0 0 0 0))))
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
    (local $src i32) (local $imgEnd i32) (local $patchEnd i32) (local $img i32) (local $short i32) (local $rowStep i32)
    (if (i32.eqz (local.get $mb)) (then (return)))
    (local.set $rowLen (i32.mul (local.get $FW) (local.get $FC)))
    (local.set $img (i32.mul (i32.mul (local.get $H) (local.get $W)) (local.get $C))) ;; bytes per image
    (local.set $patchEnd (i32.add (local.get $patches) (i32.mul (i32.mul (local.get $mb) (local.get $FH)) (local.get $rowLen))))
    (local.set $run (i32.and (i32.eq (local.get $dw) (i32.const 1)) (i32.eq (local.get $FC) (local.get $C))))
    (local.set $short (i32.and (local.get $run) (i32.le_u (local.get $rowLen) (i32.const 16))))
    (local.set $rowStep (i32.mul (i32.mul (local.get $dh) (local.get $W)) (local.get $C)))
    (local.set $x (i32.rem_u (local.get $p0) (local.get $OW)))
    (local.set $y (i32.rem_u (i32.div_u (local.get $p0) (local.get $OW)) (local.get $OH)))
    (local.set $b (i32.div_u (local.get $p0) (i32.mul (local.get $OW) (local.get $OH))))
    (local.set $dst (local.get $patches))
    (loop $li
      (local.set $imgEnd (i32.add (local.get $in) (i32.mul (i32.add (local.get $b) (i32.const 1)) (local.get $img))))
      (local.set $iy0 (i32.sub (i32.mul (local.get $y) (local.get $sh)) (local.get $ph)))
      (local.set $ix0 (i32.sub (i32.mul (local.get $x) (local.get $sw)) (local.get $pw)))
      (local.set $fy (i32.const 0))
      ;; a pixel whose whole window is inside, with short contiguous filter
      ;; rows: each row one v128 copy (see below), no per-row bounds
      (if (i32.and (i32.and (local.get $short) (i32.ge_s (local.get $iy0) (i32.const 0)))
            (i32.and (i32.le_s (i32.add (local.get $iy0) (i32.mul (i32.sub (local.get $FH) (i32.const 1)) (local.get $dh))) (i32.sub (local.get $H) (i32.const 1)))
              (i32.and (i32.ge_s (local.get $ix0) (i32.const 0)) (i32.le_s (i32.add (local.get $ix0) (local.get $FW)) (local.get $W)))))
        (then
          (local.set $src (i32.add (i32.add (local.get $in) (local.get $goff))
            (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $b) (local.get $H)) (local.get $iy0)) (local.get $W)) (local.get $ix0)) (local.get $C))))
          (if (i32.and (i32.le_u (i32.add (i32.add (local.get $src) (i32.mul (i32.sub (local.get $FH) (i32.const 1)) (local.get $rowStep))) (i32.const 16)) (local.get $imgEnd))
                (i32.le_u (i32.add (i32.add (local.get $dst) (i32.mul (i32.sub (local.get $FH) (i32.const 1)) (local.get $rowLen))) (i32.const 16)) (local.get $patchEnd)))
            (then
              (loop $lrow
                (v128.store (local.get $dst) (v128.load (local.get $src)))
                (local.set $dst (i32.add (local.get $dst) (local.get $rowLen)))
                (local.set $src (i32.add (local.get $src) (local.get $rowStep)))
                (local.set $fy (i32.add (local.get $fy) (i32.const 1)))
                (br_if $lrow (i32.lt_u (local.get $fy) (local.get $FH))))))))
      (if (i32.lt_u (local.get $fy) (local.get $FH)) (then
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
                (local.set $src (i32.add (local.get $base) (i32.mul (local.get $ix0) (local.get $C))))
                (if (i32.and (i32.le_u (local.get $rowLen) (i32.const 16))
                      (i32.and (i32.le_u (i32.add (local.get $src) (i32.const 16)) (local.get $imgEnd))
                        (i32.le_u (i32.add (local.get $dst) (i32.const 16)) (local.get $patchEnd))))
                  ;; a short row (a first layer's 3×3×3 filter: 9 bytes) as one
                  ;; v128: the bytes past the row are inside the image and the
                  ;; patches, and the next rows' writes (dst only grows) replace them
                  (then (v128.store (local.get $dst) (v128.load (local.get $src))))
                  (else (call $copy8 (local.get $dst) (local.get $src) (local.get $rowLen)))))
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
        (br_if $lfy (i32.lt_u (local.get $fy) (local.get $FH))))))
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

  ;; The output stages of DEPTHWISE_CONV_2D (engine/requant_accel.go), for
  ;; n int32 accumulators at acc in rows of C output channels, each first
  ;; plus add[c] when add ≠ 0 (C int32: the bias and offset terms of a
  ;; matrix product), written as n int8 (or uint8: the same low byte) at
  ;; out.

  ;; rq_fp32 is XNNPACK's fp32 requantization (xnnRequant; the QS8/QU8
  ;; DWCONV, GEMM and IGEMM microkernels' fp32 output stage), as
  ;; engine.XNNPackOutput.requantizeInt8 computes it:
  ;;
  ;;   out[i] = round_half_even(clamp(f32(acc[i])·scale[c], lo − zp, hi − zp)) + zp,   c = i mod C
  ;;
  ;; in float32 (f32x4.nearest is round half to even); clamping before the
  ;; rounding gives the same integer because the bounds are integers.
  ;; scales holds C float32 (sstep 4) or one for all channels (sstep 0).
  ;; Channels 4 at a time, the last C mod 4 one at a time.
  (func (export "rq_fp32") (param $acc i32) (param $n i32) (param $C i32) (param $add i32) (param $scales i32) (param $sstep i32)
    (param $zp i32) (param $lo i32) (param $hi i32) (param $out i32)
    (local $end i32) (local $c i32) (local $c4 i32) (local $f f32) (local $flo f32) (local $fhi f32)
    (local $v v128) (local $sv v128) (local $lov v128) (local $hiv v128) (local $zpv v128)
    (local.set $flo (f32.convert_i32_s (i32.sub (local.get $lo) (local.get $zp))))
    (local.set $fhi (f32.convert_i32_s (i32.sub (local.get $hi) (local.get $zp))))
    (local.set $lov (f32x4.splat (local.get $flo)))
    (local.set $hiv (f32x4.splat (local.get $fhi)))
    (local.set $zpv (i32x4.splat (local.get $zp)))
    (local.set $c4 (i32.and (local.get $C) (i32.const -4)))
    (local.set $end (i32.add (local.get $acc) (i32.shl (local.get $n) (i32.const 2))))
    (block $done (loop $rows
      (br_if $done (i32.ge_u (local.get $acc) (local.get $end)))
      (local.set $c (i32.const 0))
      (block $c4done (loop $lc
        (br_if $c4done (i32.ge_u (local.get $c) (local.get $c4)))
        (if (local.get $sstep)
          (then (local.set $sv (v128.load (i32.add (local.get $scales) (i32.shl (local.get $c) (i32.const 2))))))
          (else (local.set $sv (v128.load32_splat (local.get $scales)))))
        (local.set $v (v128.load (i32.add (local.get $acc) (i32.shl (local.get $c) (i32.const 2)))))
        (if (local.get $add)
          (then (local.set $v (i32x4.add (local.get $v) (v128.load (i32.add (local.get $add) (i32.shl (local.get $c) (i32.const 2))))))))
        (local.set $v (f32x4.mul (f32x4.convert_i32x4_s (local.get $v)) (local.get $sv)))
        (local.set $v (f32x4.min (f32x4.max (local.get $v) (local.get $lov)) (local.get $hiv)))
        (local.set $v (i32x4.add (i32x4.trunc_sat_f32x4_s (f32x4.nearest (local.get $v))) (local.get $zpv)))
        (v128.store32_lane 0 (i32.add (local.get $out) (local.get $c))
          (i8x16.shuffle 0 4 8 12 0 0 0 0 0 0 0 0 0 0 0 0 (local.get $v) (local.get $v)))
        (local.set $c (i32.add (local.get $c) (i32.const 4)))
        (br $lc)))
      (block $cdone (loop $lc
        (br_if $cdone (i32.ge_u (local.get $c) (local.get $C)))
        (local.set $f (f32.mul (f32.convert_i32_s (i32.add (i32.load (i32.add (local.get $acc) (i32.shl (local.get $c) (i32.const 2))))
            (if (result i32) (local.get $add)
              (then (i32.load (i32.add (local.get $add) (i32.shl (local.get $c) (i32.const 2)))))
              (else (i32.const 0)))))
          (f32.load (i32.add (local.get $scales) (i32.mul (local.get $c) (local.get $sstep))))))
        (local.set $f (f32.min (f32.max (local.get $f) (local.get $flo)) (local.get $fhi)))
        (i32.store8 (i32.add (local.get $out) (local.get $c))
          (i32.add (i32.trunc_f32_s (f32.nearest (local.get $f))) (local.get $zp)))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br $lc)))
      (local.set $acc (i32.add (local.get $acc) (i32.shl (local.get $C) (i32.const 2))))
      (local.set $out (i32.add (local.get $out) (local.get $C)))
      (br $rows))))

  ;; rq_fixed is TFLite's integer output stage (engine.FixedPointOutput,
  ;; quantMul): out[i] = clamp(MultiplyByQuantizedMultiplier(acc[i], M_c,
  ;; shift_c) + zp, lo, hi), c = i mod C. par holds 4·C int32: M_c, then
  ;; A_c, B_c and D_c. With single = 0, double rounding (the reference
  ;; kernels, TFLite Micro), with left = max(shift, 0) ≤ 32 and right =
  ;; max(−shift, 0) ≤ 31: A = 2^left (wrapping: 0 for 32), B = 2^(31−right)
  ;; (as uint32), D = 2^right − 1, and
  ;;
  ;;   ab = int64(acc·A)·M;  v = (ab + 2^30) >> 31           SaturatingRoundingDoublingHighMul (M ≥ 0 never saturates;
  ;;                                                         this floor equals its nudge-then-truncate)
  ;;   v = (v >> right) + (v & D > D/2 + [v < 0])             RoundingDivideByPOT, ties away from zero
  ;;
  ;; where, for right ≥ 1, that rounding is ⌊((v − [v < 0])·B + 2^30) / 2^31⌋
  ;; (a signed product: WebAssembly SIMD has no per-lane shift). Channels 4
  ;; at a time (i64x2.extmul for the 64-bit products), the last C mod 4 one
  ;; at a time. With single ≠ 0, single rounding (TFLITE_SINGLE_ROUNDING):
  ;; A = 31 − shift (0 where quantMul has none), v = (acc·M + 2^(A−1)) >> A,
  ;; one channel at a time in 64-bit integers.
  (func (export "rq_fixed") (param $acc i32) (param $n i32) (param $C i32) (param $add i32) (param $par i32) (param $single i32)
    (param $zp i32) (param $lo i32) (param $hi i32) (param $out i32)
    (local $end i32) (local $c i32) (local $c4 i32) (local $m i64) (local $a i32) (local $b i32) (local $d i32)
    (local $v i32) (local $ab i64) (local $C4 i32) (local $pa i32) (local $pb i32) (local $pd i32)
    (local $x v128) (local $mv v128) (local $sv v128) (local $lo64 v128) (local $hi64 v128) (local $dv v128)
    (local $zpv v128) (local $lov v128) (local $hiv v128) (local $nudge v128) (local $shl i32)
    (local.set $C4 (i32.shl (local.get $C) (i32.const 2)))
    (local.set $pa (i32.add (local.get $par) (local.get $C4)))
    (local.set $pb (i32.add (local.get $pa) (local.get $C4)))
    (local.set $pd (i32.add (local.get $pb) (local.get $C4)))
    (local.set $c4 (i32.and (local.get $C) (i32.const -4)))
    (if (local.get $single) (then (local.set $c4 (i32.const 0))))
    (local.set $zpv (i32x4.splat (local.get $zp)))
    (local.set $lov (i32x4.splat (local.get $lo)))
    (local.set $hiv (i32x4.splat (local.get $hi)))
    (local.set $nudge (i64x2.splat (i64.const 0x40000000)))
    (local.set $end (i32.add (local.get $acc) (i32.shl (local.get $n) (i32.const 2))))
    ;; whether any of the vector loop's channels shifts left (A ≠ 1)
    (block $scanned (loop $ls
      (br_if $scanned (i32.ge_u (local.get $c) (local.get $c4)))
      (if (i32.ne (i32.load (i32.add (local.get $pa) (i32.shl (local.get $c) (i32.const 2)))) (i32.const 1))
        (then (local.set $shl (i32.const 1)) (br $scanned)))
      (local.set $c (i32.add (local.get $c) (i32.const 1)))
      (br $ls)))
    (block $done (loop $rows
      (br_if $done (i32.ge_u (local.get $acc) (local.get $end)))
      (local.set $c (i32.const 0))
      ;; double rounding, 4 channels at a time
      (block $c4done (loop $lc
        (br_if $c4done (i32.ge_u (local.get $c) (local.get $c4)))
        (local.set $x (v128.load (i32.add (local.get $acc) (i32.shl (local.get $c) (i32.const 2)))))
        (if (local.get $add)
          (then (local.set $x (i32x4.add (local.get $x) (v128.load (i32.add (local.get $add) (i32.shl (local.get $c) (i32.const 2))))))))
        (if (local.get $shl) ;; some channel shifts left: acc·2^left
          (then (local.set $x (i32x4.mul (local.get $x) (v128.load (i32.add (local.get $pa) (i32.shl (local.get $c) (i32.const 2))))))))
        (local.set $mv (v128.load (i32.add (local.get $par) (i32.shl (local.get $c) (i32.const 2)))))
        (local.set $lo64 (i64x2.shr_u (i64x2.add (i64x2.extmul_low_i32x4_s (local.get $x) (local.get $mv)) (local.get $nudge)) (i32.const 31)))
        (local.set $hi64 (i64x2.shr_u (i64x2.add (i64x2.extmul_high_i32x4_s (local.get $x) (local.get $mv)) (local.get $nudge)) (i32.const 31)))
        (local.set $x (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $lo64) (local.get $hi64)))
        ;; x is v; RoundingDivideByPOT(v, right) = ⌊((v − [v < 0])·B + 2^30) /
        ;; 2^31⌋ with B = 2^(31−right) (right ≥ 1; v > −2^31 for M ≥ 0, so
        ;; v − [v < 0] does not wrap), as in $rqDouble; v itself where B is
        ;; 2^31 (right = 0)
        (local.set $mv (v128.load (i32.add (local.get $pb) (i32.shl (local.get $c) (i32.const 2)))))
        (local.set $dv (i32x4.add (local.get $x) (i32x4.shr_s (local.get $x) (i32.const 31))))
        (local.set $lo64 (i64x2.shr_u (i64x2.add (i64x2.extmul_low_i32x4_s (local.get $dv) (local.get $mv)) (local.get $nudge)) (i32.const 31)))
        (local.set $hi64 (i64x2.shr_u (i64x2.add (i64x2.extmul_high_i32x4_s (local.get $dv) (local.get $mv)) (local.get $nudge)) (i32.const 31)))
        (local.set $x (v128.bitselect (local.get $x)
          (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $lo64) (local.get $hi64))
          (i32x4.eq (local.get $mv) (v128.const i32x4 0x80000000 0x80000000 0x80000000 0x80000000))))
        (local.set $x (i32x4.add (local.get $x) (local.get $zpv)))
        (local.set $x (i32x4.min_s (i32x4.max_s (local.get $x) (local.get $lov)) (local.get $hiv)))
        (v128.store32_lane 0 (i32.add (local.get $out) (local.get $c))
          (i8x16.shuffle 0 4 8 12 0 0 0 0 0 0 0 0 0 0 0 0 (local.get $x) (local.get $x)))
        (local.set $c (i32.add (local.get $c) (i32.const 4)))
        (br $lc)))
      ;; the rest (single rounding: every channel) one at a time
      (block $cdone (loop $lc
        (br_if $cdone (i32.ge_u (local.get $c) (local.get $C)))
        (local.set $m (i64.extend_i32_s (i32.load (i32.add (local.get $par) (i32.shl (local.get $c) (i32.const 2))))))
        (local.set $a (i32.load (i32.add (local.get $pa) (i32.shl (local.get $c) (i32.const 2)))))
        (local.set $v (i32.load (i32.add (local.get $acc) (i32.shl (local.get $c) (i32.const 2)))))
        (if (local.get $add)
          (then (local.set $v (i32.add (local.get $v) (i32.load (i32.add (local.get $add) (i32.shl (local.get $c) (i32.const 2))))))))
        (if (local.get $single)
          (then
            (local.set $ab (i64.mul (i64.extend_i32_s (local.get $v)) (local.get $m)))
            (if (local.get $a)
              (then (local.set $ab (i64.add (local.get $ab) (i64.shl (i64.const 1) (i64.extend_i32_u (i32.sub (local.get $a) (i32.const 1))))))))
            (local.set $v (i32.wrap_i64 (i64.shr_s (local.get $ab) (i64.extend_i32_u (local.get $a))))))
          (else
            (local.set $b (i32.sub (i32.const 31) (i32.ctz (i32.load (i32.add (local.get $pb) (i32.shl (local.get $c) (i32.const 2)))))))
            (local.set $d (i32.load (i32.add (local.get $pd) (i32.shl (local.get $c) (i32.const 2)))))
            (local.set $ab (i64.mul (i64.extend_i32_s (i32.mul (local.get $v) (local.get $a))) (local.get $m)))
            (local.set $v (i32.wrap_i64 (i64.shr_s (i64.add (local.get $ab) (i64.const 0x40000000)) (i64.const 31))))
            (local.set $v (i32.add (i32.shr_s (local.get $v) (local.get $b))
              (i32.gt_s (i32.and (local.get $v) (local.get $d))
                (i32.sub (i32.shr_s (local.get $d) (i32.const 1)) (i32.shr_s (local.get $v) (i32.const 31))))))))
        (local.set $v (i32.add (local.get $v) (local.get $zp)))
        (local.set $v (select (local.get $lo) (local.get $v) (i32.lt_s (local.get $v) (local.get $lo))))
        (local.set $v (select (local.get $hi) (local.get $v) (i32.gt_s (local.get $v) (local.get $hi))))
        (i32.store8 (i32.add (local.get $out) (local.get $c)) (local.get $v))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br $lc)))
      (local.set $acc (i32.add (local.get $acc) (local.get $C4)))
      (local.set $out (i32.add (local.get $out) (local.get $C)))
      (br $rows))))

  ;; im2col1_s8 writes the input patches of the mb output pixels from pixel
  ;; p0 on (numbered (b·OH + y)·OW + x) of a convolution of ONE input
  ;; channel (engine.Conv2DParams.im2col with filter depth 1: a depthwise
  ;; convolution of one input channel run as a matrix product,
  ;; engine/depthwise_conv2d.go evalGrouped): row i, FH·FW int8 at
  ;; dst + i·FH·FW, holds in[b, y·sh − ph + fy·dh, x·sw − pw + fx·dw] for
  ;; fy < FH, fx < FW in that order, or fill for taps outside the H×W input.
  ;; Filter rows wholly inside the input with dw = 1 are copied 8 bytes at a
  ;; time.
  (func (export "im2col1_s8")
    (param $H i32) (param $W i32) (param $OH i32) (param $OW i32) (param $FH i32) (param $FW i32)
    (param $sh i32) (param $sw i32) (param $ph i32) (param $pw i32) (param $dh i32) (param $dw i32)
    (param $fill i32) (param $p0 i32) (param $mb i32) (param $in i32) (param $dst i32)
    (local $b i32) (local $y i32) (local $x i32) (local $i i32) (local $img i32) (local $iy0 i32) (local $ix0 i32)
    (local $fy i32) (local $fx i32) (local $iy i32) (local $ix i32) (local $src i32) (local $n i32)
    (local.set $x (i32.rem_u (local.get $p0) (local.get $OW)))
    (local.set $y (i32.rem_u (i32.div_u (local.get $p0) (local.get $OW)) (local.get $OH)))
    (local.set $b (i32.div_u (local.get $p0) (i32.mul (local.get $OW) (local.get $OH))))
    (local.set $img (i32.add (local.get $in) (i32.mul (i32.mul (local.get $b) (local.get $H)) (local.get $W))))
    (block $done (loop $li
      (br_if $done (i32.ge_u (local.get $i) (local.get $mb)))
      (local.set $iy0 (i32.sub (i32.mul (local.get $y) (local.get $sh)) (local.get $ph)))
      (local.set $ix0 (i32.sub (i32.mul (local.get $x) (local.get $sw)) (local.get $pw)))
      (local.set $fy (i32.const 0))
      (loop $lfy
        (local.set $iy (i32.add (local.get $iy0) (i32.mul (local.get $fy) (local.get $dh))))
        (if (i32.and (i32.lt_u (local.get $iy) (local.get $H))
              (i32.and (i32.eq (local.get $dw) (i32.const 1))
                (i32.and (i32.ge_s (local.get $ix0) (i32.const 0)) (i32.le_s (i32.add (local.get $ix0) (local.get $FW)) (local.get $W)))))
          (then ;; the whole filter row is inside: copy FW bytes
            (local.set $src (i32.add (local.get $img) (i32.add (i32.mul (local.get $iy) (local.get $W)) (local.get $ix0))))
            (local.set $n (local.get $FW))
            (block $cdone (loop $lc
              (br_if $cdone (i32.lt_u (local.get $n) (i32.const 8)))
              (i64.store (local.get $dst) (i64.load (local.get $src)))
              (local.set $src (i32.add (local.get $src) (i32.const 8)))
              (local.set $dst (i32.add (local.get $dst) (i32.const 8)))
              (local.set $n (i32.sub (local.get $n) (i32.const 8)))
              (br $lc)))
            (block $bdone (loop $lb
              (br_if $bdone (i32.eqz (local.get $n)))
              (i32.store8 (local.get $dst) (i32.load8_u (local.get $src)))
              (local.set $src (i32.add (local.get $src) (i32.const 1)))
              (local.set $dst (i32.add (local.get $dst) (i32.const 1)))
              (local.set $n (i32.sub (local.get $n) (i32.const 1)))
              (br $lb))))
          (else ;; tap by tap
            (local.set $src (i32.add (local.get $img) (i32.mul (local.get $iy) (local.get $W))))
            (local.set $fx (i32.const 0))
            (loop $lfx
              (local.set $ix (i32.add (local.get $ix0) (i32.mul (local.get $fx) (local.get $dw))))
              (i32.store8 (local.get $dst)
                (if (result i32) (i32.and (i32.lt_u (local.get $iy) (local.get $H)) (i32.lt_u (local.get $ix) (local.get $W)))
                  (then (i32.load8_u (i32.add (local.get $src) (local.get $ix))))
                  (else (local.get $fill))))
              (local.set $dst (i32.add (local.get $dst) (i32.const 1)))
              (local.set $fx (i32.add (local.get $fx) (i32.const 1)))
              (br_if $lfx (i32.lt_u (local.get $fx) (local.get $FW))))))
        (local.set $fy (i32.add (local.get $fy) (i32.const 1)))
        (br_if $lfy (i32.lt_u (local.get $fy) (local.get $FH))))
      ;; the next pixel
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (local.set $x (i32.add (local.get $x) (i32.const 1)))
      (if (i32.eq (local.get $x) (local.get $OW))
        (then
          (local.set $x (i32.const 0))
          (local.set $y (i32.add (local.get $y) (i32.const 1)))
          (if (i32.eq (local.get $y) (local.get $OH))
            (then
              (local.set $y (i32.const 0))
              (local.set $img (i32.add (local.get $img) (i32.mul (local.get $H) (local.get $W))))))))
      (br $li))))

  ;; add_s8 is an int8 or uint8 ADD or SUB of two same-shape inputs, the
  ;; reference and single-rounding profiles' kernel (engine.AddS8,
  ;; engine/add_accel.go; TFLite Micro's reference_integer_ops::AddElementwise
  ;; and reference_ops::AddElementwise): for i < n rounded down to a
  ;; multiple of 8 (the count it returns; the caller does the rest),
  ;;
  ;;   a1 = MultiplyByQuantizedMultiplier((a[i] + off1)·2^ls, M1, shift1)
  ;;   a2 = MultiplyByQuantizedMultiplier((b[i] + off2)·2^ls, M2, shift2)
  ;;   out[i] = clamp(MultiplyByQuantizedMultiplier(a1 ± a2, Mo, shifto) + zp, lo, hi)
  ;;
  ;; with the int32 table at tab (engine's addTable): [unsigned, off1, off2,
  ;; ls, sub, zp, lo, hi], then at byte 32, 64 and 96 the three multipliers
  ;; as [M, s, K (i64), S (i64)], each MultiplyByQuantizedMultiplier (double
  ;; or single rounding, shift ≤ 0) being y = x·M + 2^30, (y + K + (y < 0 ?
  ;; S : 0)) >> s in int64 ($mbq). 8 elements at a time: loaded widened to
  ;; int16 (signed or unsigned), then each half as int32x4.
  (func (export "add_s8") (param $n i32) (param $a i32) (param $b i32) (param $out i32) (param $tab i32) (result i32)
    (local $i i32) (local $u i32) (local $ls i32) (local $s1 i32) (local $s2 i32) (local $so i32)
    (local $xa v128) (local $xb v128) (local $o0 v128) (local $o1 v128) (local $x v128)
    (local $off1 v128) (local $off2 v128) (local $neg v128) (local $zpv v128) (local $lov v128) (local $hiv v128)
    (local $m1 v128) (local $k1 v128) (local $S1 v128) (local $m2 v128) (local $k2 v128) (local $S2 v128)
    (local $mo v128) (local $ko v128) (local $So v128) (local $h i32)
    (local.set $u (i32.load (local.get $tab)))
    (local.set $off1 (i32x4.splat (i32.load offset=4 (local.get $tab))))
    (local.set $off2 (i32x4.splat (i32.load offset=8 (local.get $tab))))
    (local.set $ls (i32.load offset=12 (local.get $tab)))
    (local.set $neg (i32x4.splat (i32.sub (i32.const 0) (i32.load offset=16 (local.get $tab))))) ;; −1 for SUB
    (local.set $zpv (i32x4.splat (i32.load offset=20 (local.get $tab))))
    (local.set $lov (i32x4.splat (i32.load offset=24 (local.get $tab))))
    (local.set $hiv (i32x4.splat (i32.load offset=28 (local.get $tab))))
    (local.set $m1 (i32x4.splat (i32.load offset=32 (local.get $tab))))
    (local.set $s1 (i32.load offset=36 (local.get $tab)))
    (local.set $k1 (i64x2.splat (i64.load offset=40 (local.get $tab))))
    (local.set $S1 (i64x2.splat (i64.load offset=48 (local.get $tab))))
    (local.set $m2 (i32x4.splat (i32.load offset=64 (local.get $tab))))
    (local.set $s2 (i32.load offset=68 (local.get $tab)))
    (local.set $k2 (i64x2.splat (i64.load offset=72 (local.get $tab))))
    (local.set $S2 (i64x2.splat (i64.load offset=80 (local.get $tab))))
    (local.set $mo (i32x4.splat (i32.load offset=96 (local.get $tab))))
    (local.set $so (i32.load offset=100 (local.get $tab)))
    (local.set $ko (i64x2.splat (i64.load offset=104 (local.get $tab))))
    (local.set $So (i64x2.splat (i64.load offset=112 (local.get $tab))))
    (block $done (loop $l
      (br_if $done (i32.gt_u (i32.add (local.get $i) (i32.const 8)) (local.get $n)))
      (if (local.get $u)
        (then
          (local.set $xa (v128.load8x8_u (i32.add (local.get $a) (local.get $i))))
          (local.set $xb (v128.load8x8_u (i32.add (local.get $b) (local.get $i)))))
        (else
          (local.set $xa (v128.load8x8_s (i32.add (local.get $a) (local.get $i))))
          (local.set $xb (v128.load8x8_s (i32.add (local.get $b) (local.get $i))))))
      ;; the low 4, then the high 4 (xa, xb moved down by 8 bytes)
      (local.set $h (i32.const 0))
      (loop $half
        (local.set $x (call $mbq
          (i32x4.shl (i32x4.add (i32x4.extend_low_i16x8_s (local.get $xb)) (local.get $off2)) (local.get $ls))
          (local.get $m2) (local.get $k2) (local.get $S2) (local.get $s2)))
        (local.set $x (i32x4.sub (v128.xor (local.get $x) (local.get $neg)) (local.get $neg))) ;; −a2 for SUB
        (local.set $x (i32x4.add (local.get $x) (call $mbq
          (i32x4.shl (i32x4.add (i32x4.extend_low_i16x8_s (local.get $xa)) (local.get $off1)) (local.get $ls))
          (local.get $m1) (local.get $k1) (local.get $S1) (local.get $s1))))
        (local.set $x (call $mbq (local.get $x) (local.get $mo) (local.get $ko) (local.get $So) (local.get $so)))
        (local.set $x (i32x4.min_s (i32x4.max_s (i32x4.add (local.get $x) (local.get $zpv)) (local.get $lov)) (local.get $hiv)))
        (local.set $o1 (local.get $o0))
        (local.set $o0 (local.get $x))
        (local.set $xa (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $xa) (local.get $xa)))
        (local.set $xb (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $xb) (local.get $xb)))
        (local.set $h (i32.add (local.get $h) (i32.const 1)))
        (br_if $half (i32.lt_u (local.get $h) (i32.const 2))))
      ;; o1 holds lanes 0–3, o0 lanes 4–7: their low bytes
      (v128.store64_lane 0 (i32.add (local.get $out) (local.get $i))
        (i8x16.shuffle 0 4 8 12 16 20 24 28 0 0 0 0 0 0 0 0 (local.get $o1) (local.get $o0)))
      (local.set $i (i32.add (local.get $i) (i32.const 8)))
      (br $l)))
    (local.get $i))

  ;; $mbq is MultiplyByQuantizedMultiplier of 4 int32 lanes by one
  ;; multiplier, as add_s8's table gives it: y = x·M + 2^30, then (y + K +
  ;; (y < 0 ? S : 0)) >> s in int64, its low 32 bits. Double rounding with
  ;; right shift r ≥ 1 (K = 2^(30+r), S = −2^31, s = 31 + r) is
  ;; RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(x, M), r) in one
  ;; shift (engine.requantStep); single rounding adds the rest of 2^(s−1).
  (func $mbq (param $x v128) (param $m v128) (param $k v128) (param $sm v128) (param $s i32) (result v128)
    (local $lo v128) (local $hi v128)
    (local.set $lo (i64x2.add (i64x2.extmul_low_i32x4_s (local.get $x) (local.get $m)) (v128.const i64x2 0x40000000 0x40000000)))
    (local.set $hi (i64x2.add (i64x2.extmul_high_i32x4_s (local.get $x) (local.get $m)) (v128.const i64x2 0x40000000 0x40000000)))
    (local.set $lo (i64x2.shr_s (i64x2.add (i64x2.add (local.get $lo) (local.get $k))
      (v128.and (i64x2.shr_s (local.get $lo) (i32.const 63)) (local.get $sm))) (local.get $s)))
    (local.set $hi (i64x2.shr_s (i64x2.add (i64x2.add (local.get $hi) (local.get $k))
      (v128.and (i64x2.shr_s (local.get $hi) (i32.const 63)) (local.get $sm))) (local.get $s)))
    (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $lo) (local.get $hi)))

  ;; gemm_rq_c4_s8 is gemm_rq_s8 (the same contract and output stages) for n
  ;; a multiple of 4 and k ≥ 8, in XNNPACK's "c2" arrangement of its qs8
  ;; GEMM wasmsimd microkernels (4x4c2): the block's weights are first
  ;; packed, widened to int16, into w (n/4 · ⌈k/8⌉ · 64 bytes of scratch), so
  ;; that one v128 holds a pair of k positions of 4 output channels; a pair
  ;; of a row's inputs broadcast to the 4 lanes then meets it in
  ;; i32x4.dot_i16x8_s, and the 4 lanes are the 4 channels' sums, so the
  ;; horizontal sums of gemm_s8's row-by-row dot products (the bulk of its
  ;; time for k = 8…32) disappear. The last k mod 8 positions are read as
  ;; the 8 ending at the row's end, with the packed weights of the positions
  ;; already summed zero. Σ_kk a·b in wrapping int32, exactly gemm_s8's.
  ;; With w = 0 the product is gemm_s8's (long k, any k ≥ 0), and only the
  ;; output stage's row loop differs from gemm_rq_s8.
  (func (export "gemm_rq_c4_s8") (param $m i32) (param $n i32) (param $k i32) (param $a i32) (param $b i32)
    (param $acc i32) (param $add i32) (param $ib i32) (param $out i32) (param $ldo i32) (param $rq i32) (param $c0 i32) (param $w i32)
    (if (i32.or (i32.eqz (local.get $m)) (i32.eqz (local.get $n))) (then (return)))
    (if (local.get $w)
      (then
        (call $packC4 (local.get $b) (local.get $k) (local.get $n) (local.get $w))
        (call $gemmC4 (local.get $m) (local.get $n) (local.get $k) (local.get $a) (local.get $w) (local.get $acc)))
      (else (call $gemm_s8 (local.get $m) (local.get $n) (local.get $k) (local.get $a) (local.get $b) (local.get $acc))))
    (if (i32.eqz (local.get $ib))
      (then
        (if (i32.eq (i32.load (local.get $rq)) (i32.const 1))
          (then (call $rqDoubleRows4 (local.get $m) (local.get $n) (local.get $acc) (local.get $add) (local.get $out) (local.get $ldo)
            (local.get $rq) (local.get $c0)) (return)))
        (if (i32.eq (i32.load (local.get $rq)) (i32.const 3))
          (then (call $rqFP32Rows4 (local.get $m) (local.get $n) (local.get $acc) (local.get $add) (local.get $out) (local.get $ldo)
            (local.get $rq) (local.get $c0)) (return)))
        (if (i32.and (i32.eq (i32.load (local.get $rq)) (i32.const 2)) (i32.load offset=20 (local.get $rq)))
          (then (call $rqSingleRows4 (local.get $m) (local.get $n) (local.get $acc) (local.get $add) (local.get $out) (local.get $ldo)
            (local.get $rq) (local.get $c0)) (return)))))
    (call $stageRows (local.get $m) (local.get $n) (local.get $k) (local.get $a) (local.get $acc) (local.get $add) (local.get $ib)
      (local.get $out) (local.get $ldo) (local.get $rq) (local.get $c0)))

  ;; $packC4 writes the n×k int8 rows at b (n a multiple of 4, k ≥ 8) into w
  ;; for $gemmC4: for each 4 channels q and each 8 positions c (from s =
  ;; min(8c, k − 8)), four v128s of int16 lanes, pair p holding [b(4q, s+2p),
  ;; b(4q, s+2p+1), b(4q+1, s+2p), …, b(4q+3, s+2p+1)], lanes of positions
  ;; below 8c zero: a 4×4 transpose of the int32 lanes of the 4 rows' 8
  ;; widened values.
  (func $packC4 (param $b i32) (param $k i32) (param $n i32) (param $w i32)
    (local $q i32) (local $c i32) (local $s i32) (local $nc i32) (local $b0 i32) (local $mask v128) (local $keep v128)
    (local $r0 v128) (local $r1 v128) (local $r2 v128) (local $r3 v128) (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    (local.set $nc (i32.shr_u (i32.add (local.get $k) (i32.const 7)) (i32.const 3)))
    (local.set $mask (call $tailMask (local.get $k)))
    (loop $lq
      (local.set $b0 (i32.add (local.get $b) (i32.mul (local.get $q) (local.get $k))))
      (local.set $c (i32.const 0))
      (loop $lc
        (local.set $s (i32.shl (local.get $c) (i32.const 3)))
        (local.set $keep (v128.const i32x4 -1 -1 -1 -1))
        (if (i32.gt_s (local.get $s) (i32.sub (local.get $k) (i32.const 8)))
          (then
            (local.set $s (i32.sub (local.get $k) (i32.const 8)))
            (local.set $keep (local.get $mask))))
        (local.set $s (i32.add (local.get $b0) (local.get $s)))
        (local.set $r0 (v128.and (local.get $keep) (v128.load8x8_s (local.get $s))))
        (local.set $s (i32.add (local.get $s) (local.get $k)))
        (local.set $r1 (v128.and (local.get $keep) (v128.load8x8_s (local.get $s))))
        (local.set $s (i32.add (local.get $s) (local.get $k)))
        (local.set $r2 (v128.and (local.get $keep) (v128.load8x8_s (local.get $s))))
        (local.set $s (i32.add (local.get $s) (local.get $k)))
        (local.set $r3 (v128.and (local.get $keep) (v128.load8x8_s (local.get $s))))
        (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $r0) (local.get $r1)))
        (local.set $t1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $r0) (local.get $r1)))
        (local.set $t2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $r2) (local.get $r3)))
        (local.set $t3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $r2) (local.get $r3)))
        (v128.store (local.get $w) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t2)))
        (v128.store offset=16 (local.get $w) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t2)))
        (v128.store offset=32 (local.get $w) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t1) (local.get $t3)))
        (v128.store offset=48 (local.get $w) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t1) (local.get $t3)))
        (local.set $w (i32.add (local.get $w) (i32.const 64)))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br_if $lc (i32.lt_u (local.get $c) (local.get $nc))))
      (local.set $q (i32.add (local.get $q) (i32.const 4)))
      (br_if $lq (i32.lt_u (local.get $q) (local.get $n)))))

  ;; $gemmC4 sets acc[i*n+j] = Σ_kk a[i*k+kk]·b[j*k+kk] from the weights
  ;; $packC4 packed at w: 4 rows × 4 channels per tile (the last m mod 4
  ;; rows one at a time), the 8 inputs of a row at s widened once, each of
  ;; their 4 pairs broadcast (one shuffle) and multiplied by the channels'
  ;; pair vector.
  (func $gemmC4 (param $m i32) (param $n i32) (param $k i32) (param $a i32) (param $w i32) (param $acc i32)
    (local $i i32) (local $q i32) (local $c i32) (local $s i32) (local $nc i32) (local $last i32) (local $wp i32)
    (local $a1 i32) (local $a2 i32) (local $a3 i32) (local $o i32) (local $nb i32)
    (local $x0 v128) (local $x1 v128) (local $x2 v128) (local $x3 v128) (local $w0 v128) (local $w1 v128) (local $w2 v128) (local $w3 v128)
    (local $c0 v128) (local $c1 v128) (local $c2 v128) (local $c3 v128)
    (local.set $nc (i32.shr_u (i32.add (local.get $k) (i32.const 7)) (i32.const 3)))
    (local.set $last (i32.sub (local.get $k) (i32.const 8)))
    (local.set $nb (i32.shl (local.get $n) (i32.const 2))) ;; bytes per acc row
    (block $rows4
      (loop $li
        (br_if $rows4 (i32.gt_u (i32.add (local.get $i) (i32.const 4)) (local.get $m)))
        (local.set $a1 (i32.add (local.get $a) (local.get $k)))
        (local.set $a2 (i32.add (local.get $a1) (local.get $k)))
        (local.set $a3 (i32.add (local.get $a2) (local.get $k)))
        (local.set $wp (local.get $w))
        (local.set $q (i32.const 0))
        (loop $lq
          (local.set $c0 (v128.const i32x4 0 0 0 0)) (local.set $c1 (v128.const i32x4 0 0 0 0))
          (local.set $c2 (v128.const i32x4 0 0 0 0)) (local.set $c3 (v128.const i32x4 0 0 0 0))
          (local.set $c (i32.const 0))
          (loop $lc
            (local.set $s (select (local.get $last) (local.get $c) (i32.gt_s (local.get $c) (local.get $last))))
            (local.set $w0 (v128.load (local.get $wp)))
            (local.set $w1 (v128.load offset=16 (local.get $wp)))
            (local.set $w2 (v128.load offset=32 (local.get $wp)))
            (local.set $w3 (v128.load offset=48 (local.get $wp)))
            (local.set $x0 (v128.load8x8_s (i32.add (local.get $a) (local.get $s))))
            (local.set $x1 (v128.load8x8_s (i32.add (local.get $a1) (local.get $s))))
            (local.set $c0 (i32x4.add (local.get $c0) (i32x4.add
              (i32x4.add (i32x4.dot_i16x8_s (i8x16.shuffle 0 1 2 3 0 1 2 3 0 1 2 3 0 1 2 3 (local.get $x0) (local.get $x0)) (local.get $w0))
                (i32x4.dot_i16x8_s (i8x16.shuffle 4 5 6 7 4 5 6 7 4 5 6 7 4 5 6 7 (local.get $x0) (local.get $x0)) (local.get $w1)))
              (i32x4.add (i32x4.dot_i16x8_s (i8x16.shuffle 8 9 10 11 8 9 10 11 8 9 10 11 8 9 10 11 (local.get $x0) (local.get $x0)) (local.get $w2))
                (i32x4.dot_i16x8_s (i8x16.shuffle 12 13 14 15 12 13 14 15 12 13 14 15 12 13 14 15 (local.get $x0) (local.get $x0)) (local.get $w3))))))
            (local.set $c1 (i32x4.add (local.get $c1) (i32x4.add
              (i32x4.add (i32x4.dot_i16x8_s (i8x16.shuffle 0 1 2 3 0 1 2 3 0 1 2 3 0 1 2 3 (local.get $x1) (local.get $x1)) (local.get $w0))
                (i32x4.dot_i16x8_s (i8x16.shuffle 4 5 6 7 4 5 6 7 4 5 6 7 4 5 6 7 (local.get $x1) (local.get $x1)) (local.get $w1)))
              (i32x4.add (i32x4.dot_i16x8_s (i8x16.shuffle 8 9 10 11 8 9 10 11 8 9 10 11 8 9 10 11 (local.get $x1) (local.get $x1)) (local.get $w2))
                (i32x4.dot_i16x8_s (i8x16.shuffle 12 13 14 15 12 13 14 15 12 13 14 15 12 13 14 15 (local.get $x1) (local.get $x1)) (local.get $w3))))))
            (local.set $x2 (v128.load8x8_s (i32.add (local.get $a2) (local.get $s))))
            (local.set $x3 (v128.load8x8_s (i32.add (local.get $a3) (local.get $s))))
            (local.set $c2 (i32x4.add (local.get $c2) (i32x4.add
              (i32x4.add (i32x4.dot_i16x8_s (i8x16.shuffle 0 1 2 3 0 1 2 3 0 1 2 3 0 1 2 3 (local.get $x2) (local.get $x2)) (local.get $w0))
                (i32x4.dot_i16x8_s (i8x16.shuffle 4 5 6 7 4 5 6 7 4 5 6 7 4 5 6 7 (local.get $x2) (local.get $x2)) (local.get $w1)))
              (i32x4.add (i32x4.dot_i16x8_s (i8x16.shuffle 8 9 10 11 8 9 10 11 8 9 10 11 8 9 10 11 (local.get $x2) (local.get $x2)) (local.get $w2))
                (i32x4.dot_i16x8_s (i8x16.shuffle 12 13 14 15 12 13 14 15 12 13 14 15 12 13 14 15 (local.get $x2) (local.get $x2)) (local.get $w3))))))
            (local.set $c3 (i32x4.add (local.get $c3) (i32x4.add
              (i32x4.add (i32x4.dot_i16x8_s (i8x16.shuffle 0 1 2 3 0 1 2 3 0 1 2 3 0 1 2 3 (local.get $x3) (local.get $x3)) (local.get $w0))
                (i32x4.dot_i16x8_s (i8x16.shuffle 4 5 6 7 4 5 6 7 4 5 6 7 4 5 6 7 (local.get $x3) (local.get $x3)) (local.get $w1)))
              (i32x4.add (i32x4.dot_i16x8_s (i8x16.shuffle 8 9 10 11 8 9 10 11 8 9 10 11 8 9 10 11 (local.get $x3) (local.get $x3)) (local.get $w2))
                (i32x4.dot_i16x8_s (i8x16.shuffle 12 13 14 15 12 13 14 15 12 13 14 15 12 13 14 15 (local.get $x3) (local.get $x3)) (local.get $w3))))))
            (local.set $wp (i32.add (local.get $wp) (i32.const 64)))
            (local.set $c (i32.add (local.get $c) (i32.const 8)))
            (br_if $lc (i32.lt_s (local.get $c) (local.get $k))))
          (local.set $o (i32.add (local.get $acc) (i32.shl (local.get $q) (i32.const 2))))
          (v128.store (local.get $o) (local.get $c0))
          (local.set $o (i32.add (local.get $o) (local.get $nb)))
          (v128.store (local.get $o) (local.get $c1))
          (local.set $o (i32.add (local.get $o) (local.get $nb)))
          (v128.store (local.get $o) (local.get $c2))
          (local.set $o (i32.add (local.get $o) (local.get $nb)))
          (v128.store (local.get $o) (local.get $c3))
          (local.set $q (i32.add (local.get $q) (i32.const 4)))
          (br_if $lq (i32.lt_u (local.get $q) (local.get $n))))
        (local.set $a (i32.add (local.get $a3) (local.get $k)))
        (local.set $acc (i32.add (local.get $acc) (i32.shl (local.get $nb) (i32.const 2))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $li)))
    ;; the last m mod 4 rows, one at a time
    (block $rows
      (loop $li
        (br_if $rows (i32.ge_u (local.get $i) (local.get $m)))
        (local.set $wp (local.get $w))
        (local.set $q (i32.const 0))
        (loop $lq
          (local.set $c0 (v128.const i32x4 0 0 0 0))
          (local.set $c (i32.const 0))
          (loop $lc
            (local.set $s (select (local.get $last) (local.get $c) (i32.gt_s (local.get $c) (local.get $last))))
            (local.set $x0 (v128.load8x8_s (i32.add (local.get $a) (local.get $s))))
            (local.set $c0 (i32x4.add (local.get $c0) (i32x4.add
              (i32x4.add (i32x4.dot_i16x8_s (i8x16.shuffle 0 1 2 3 0 1 2 3 0 1 2 3 0 1 2 3 (local.get $x0) (local.get $x0)) (v128.load (local.get $wp)))
                (i32x4.dot_i16x8_s (i8x16.shuffle 4 5 6 7 4 5 6 7 4 5 6 7 4 5 6 7 (local.get $x0) (local.get $x0)) (v128.load offset=16 (local.get $wp))))
              (i32x4.add (i32x4.dot_i16x8_s (i8x16.shuffle 8 9 10 11 8 9 10 11 8 9 10 11 8 9 10 11 (local.get $x0) (local.get $x0)) (v128.load offset=32 (local.get $wp)))
                (i32x4.dot_i16x8_s (i8x16.shuffle 12 13 14 15 12 13 14 15 12 13 14 15 12 13 14 15 (local.get $x0) (local.get $x0)) (v128.load offset=48 (local.get $wp)))))))
            (local.set $wp (i32.add (local.get $wp) (i32.const 64)))
            (local.set $c (i32.add (local.get $c) (i32.const 8)))
            (br_if $lc (i32.lt_s (local.get $c) (local.get $k))))
          (v128.store (i32.add (local.get $acc) (i32.shl (local.get $q) (i32.const 2))) (local.get $c0))
          (local.set $q (i32.add (local.get $q) (i32.const 4)))
          (br_if $lq (i32.lt_u (local.get $q) (local.get $n))))
        (local.set $a (i32.add (local.get $a) (local.get $k)))
        (local.set $acc (i32.add (local.get $acc) (local.get $nb)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $li))))

  ;; $stageRows is gemm_rq_s8's part after the product: for each of the m
  ;; rows of accumulators at acc, + add[j] + ib·Σ a's row, then the output
  ;; stage of the table at rq (its channels c0…c0+n−1) into out (rows ldo
  ;; apart), with the same $rqDouble, $rqSingle and $rqFP32.
  (func $stageRows (param $m i32) (param $n i32) (param $k i32) (param $a i32) (param $acc i32) (param $add i32) (param $ib i32)
    (param $out i32) (param $ldo i32) (param $rq i32) (param $c0 i32)
    (local $i i32) (local $r i32) (local $mode i32) (local $zp i32) (local $lo i32) (local $hi i32) (local $C4 i32)
    (local $t0 i32) (local $t1 i32) (local $t2 i32) (local $t3 i32) (local $t4 i32) (local $row i32) (local $shl i32)
    (local.set $mode (i32.load (local.get $rq)))
    (local.set $zp (i32.load offset=4 (local.get $rq)))
    (local.set $lo (i32.load offset=8 (local.get $rq)))
    (local.set $hi (i32.load offset=12 (local.get $rq)))
    (local.set $C4 (i32.shl (i32.load offset=16 (local.get $rq)) (i32.const 2)))
    (local.set $t0 (i32.add (i32.add (local.get $rq) (i32.const 32)) (i32.shl (local.get $c0) (i32.const 2))))
    (local.set $t1 (i32.add (local.get $t0) (local.get $C4)))
    (local.set $t2 (i32.add (local.get $t1) (local.get $C4)))
    (local.set $t3 (i32.add (local.get $t2) (local.get $C4)))
    (local.set $t4 (i32.add (local.get $t3) (local.get $C4)))
    (if (i32.eq (local.get $mode) (i32.const 1)) ;; whether any channel shifts left (T1 ≠ 1)
      (then
        (block $scanned (loop $ls
          (br_if $scanned (i32.ge_u (local.get $row) (local.get $n)))
          (if (i32.ne (i32.load (i32.add (local.get $t1) (i32.shl (local.get $row) (i32.const 2)))) (i32.const 1))
            (then (local.set $shl (i32.const 1)) (br $scanned)))
          (local.set $row (i32.add (local.get $row) (i32.const 1)))
          (br $ls)))))
    (loop $li
      (local.set $r (i32.const 0))
      (if (local.get $ib)
        (then (local.set $r (i32.mul (local.get $ib) (call $rowSum (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $k))) (local.get $k))))))
      (local.set $row (i32.add (local.get $acc) (i32.shl (i32.mul (local.get $i) (local.get $n)) (i32.const 2))))
      (if (i32.eq (local.get $mode) (i32.const 1))
        (then (call $rqDouble (local.get $row) (local.get $add) (local.get $r) (local.get $out) (local.get $n)
          (local.get $t0) (local.get $t1) (local.get $t2) (local.get $t3) (local.get $t4) (local.get $zp) (local.get $lo) (local.get $hi)
          (local.get $shl))))
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

  ;; $rqDoubleRows4 is $stageRows for mode 1, ib = 0 and n a multiple of 4,
  ;; with the row loop inside (a call per row and its set-up cost as much
  ;; as the arithmetic for n = 8…32): $rqDouble's four-channel steps, the
  ;; same formula, over m rows of n accumulators (acc rows n apart, out
  ;; rows ldo apart).
  (func $rqDoubleRows4 (param $m i32) (param $n i32) (param $acc i32) (param $add i32) (param $out i32) (param $ldo i32)
    (param $rq i32) (param $c0 i32)
    (local $i i32) (local $j i32) (local $C4 i32) (local $tm i32) (local $tl i32) (local $tp i32) (local $shl i32) (local $o i32)
    (local $xv v128) (local $a0 v128) (local $a1 v128) (local $vv v128) (local $mv v128)
    (local $zpv v128) (local $lov v128) (local $hiv v128) (local $round v128)
    (local.set $zpv (i32x4.splat (i32.load offset=4 (local.get $rq))))
    (local.set $lov (i32x4.splat (i32.load offset=8 (local.get $rq))))
    (local.set $hiv (i32x4.splat (i32.load offset=12 (local.get $rq))))
    (local.set $round (i64x2.splat (i64.const 1073741824)))
    (local.set $C4 (i32.shl (i32.load offset=16 (local.get $rq)) (i32.const 2)))
    (local.set $tm (i32.add (i32.add (local.get $rq) (i32.const 32)) (i32.shl (local.get $c0) (i32.const 2))))
    (local.set $tl (i32.add (local.get $tm) (local.get $C4)))
    (local.set $tp (i32.add (local.get $tl) (i32.mul (local.get $C4) (i32.const 3))))
    ;; whether any channel shifts left (T1 ≠ 1)
    (block $scanned (loop $ls
      (br_if $scanned (i32.ge_u (local.get $j) (local.get $n)))
      (if (i32.ne (i32.load (i32.add (local.get $tl) (i32.shl (local.get $j) (i32.const 2)))) (i32.const 1))
        (then (local.set $shl (i32.const 1)) (br $scanned)))
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (br $ls)))
    (local.set $n (i32.shl (local.get $n) (i32.const 2))) ;; bytes of a row of acc, add and the tables
    (loop $li
      (local.set $j (i32.const 0))
      (local.set $o (local.get $out))
      (loop $lj
        (local.set $xv (i32x4.add (v128.load (i32.add (local.get $acc) (local.get $j))) (v128.load (i32.add (local.get $add) (local.get $j)))))
        (v128.store (i32.add (local.get $acc) (local.get $j)) (local.get $xv))
        (if (local.get $shl)
          (then (local.set $xv (i32x4.mul (local.get $xv) (v128.load (i32.add (local.get $tl) (local.get $j)))))))
        (local.set $mv (v128.load (i32.add (local.get $tm) (local.get $j))))
        (local.set $a0 (i64x2.shr_u (i64x2.add (i64x2.extmul_low_i32x4_s (local.get $xv) (local.get $mv)) (local.get $round)) (i32.const 31)))
        (local.set $a1 (i64x2.shr_u (i64x2.add (i64x2.extmul_high_i32x4_s (local.get $xv) (local.get $mv)) (local.get $round)) (i32.const 31)))
        (local.set $vv (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $a0) (local.get $a1)))
        (local.set $mv (i32x4.shr_u (v128.load (i32.add (local.get $tp) (local.get $j))) (i32.const 1)))
        (local.set $xv (i32x4.add (local.get $vv) (i32x4.shr_s (local.get $vv) (i32.const 31))))
        (local.set $a0 (i64x2.shr_u (i64x2.add (i64x2.extmul_low_i32x4_s (local.get $xv) (local.get $mv)) (local.get $round)) (i32.const 31)))
        (local.set $a1 (i64x2.shr_u (i64x2.add (i64x2.extmul_high_i32x4_s (local.get $xv) (local.get $mv)) (local.get $round)) (i32.const 31)))
        (local.set $xv (v128.bitselect (local.get $vv)
          (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $a0) (local.get $a1))
          (i32x4.eq (local.get $mv) (v128.const i32x4 0 0 0 0))))
        (local.set $xv (i32x4.min_s (i32x4.max_s (i32x4.add (local.get $xv) (local.get $zpv)) (local.get $lov)) (local.get $hiv)))
        (v128.store32_lane 0 (local.get $o)
          (i8x16.shuffle 0 4 8 12 0 0 0 0 0 0 0 0 0 0 0 0 (local.get $xv) (local.get $xv)))
        (local.set $o (i32.add (local.get $o) (i32.const 4)))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br_if $lj (i32.lt_u (local.get $j) (local.get $n))))
      (local.set $acc (i32.add (local.get $acc) (local.get $n)))
      (local.set $out (i32.add (local.get $out) (local.get $ldo)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $li (i32.lt_u (local.get $i) (local.get $m)))))

  ;; $rqFP32Rows4 is $stageRows for mode 3, ib = 0 and n a multiple of 4, with
  ;; the row loop inside: $rqFP32's four-channel steps, the same formula.
  (func $rqFP32Rows4 (param $m i32) (param $n i32) (param $acc i32) (param $add i32) (param $out i32) (param $ldo i32)
    (param $rq i32) (param $c0 i32)
    (local $i i32) (local $j i32) (local $ts i32) (local $o i32) (local $zp i32)
    (local $xv v128) (local $fv v128) (local $lov v128) (local $hiv v128) (local $zpv v128)
    (local.set $zp (i32.load offset=4 (local.get $rq)))
    (local.set $lov (f32x4.splat (f32.convert_i32_s (i32.sub (i32.load offset=8 (local.get $rq)) (local.get $zp)))))
    (local.set $hiv (f32x4.splat (f32.convert_i32_s (i32.sub (i32.load offset=12 (local.get $rq)) (local.get $zp)))))
    (local.set $zpv (i32x4.splat (i32.sub (local.get $zp) (i32.const 0x4B400000))))
    (local.set $ts (i32.add (i32.add (local.get $rq) (i32.const 32)) (i32.shl (local.get $c0) (i32.const 2))))
    (local.set $n (i32.shl (local.get $n) (i32.const 2)))
    (loop $li
      (local.set $j (i32.const 0))
      (local.set $o (local.get $out))
      (loop $lj
        (local.set $xv (i32x4.add (v128.load (i32.add (local.get $acc) (local.get $j))) (v128.load (i32.add (local.get $add) (local.get $j)))))
        (v128.store (i32.add (local.get $acc) (local.get $j)) (local.get $xv))
        (local.set $fv (f32x4.pmin (f32x4.pmax (f32x4.mul (f32x4.convert_i32x4_s (local.get $xv)) (v128.load (i32.add (local.get $ts) (local.get $j))))
          (local.get $lov)) (local.get $hiv)))
        (local.set $xv (i32x4.add (f32x4.add (local.get $fv) (v128.const f32x4 12582912 12582912 12582912 12582912)) (local.get $zpv)))
        (v128.store32_lane 0 (local.get $o)
          (i8x16.shuffle 0 4 8 12 0 0 0 0 0 0 0 0 0 0 0 0 (local.get $xv) (local.get $xv)))
        (local.set $o (i32.add (local.get $o) (i32.const 4)))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br_if $lj (i32.lt_u (local.get $j) (local.get $n))))
      (local.set $acc (i32.add (local.get $acc) (local.get $n)))
      (local.set $out (i32.add (local.get $out) (local.get $ldo)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $li (i32.lt_u (local.get $i) (local.get $m)))))

  ;; $rqSingleRows4 is $stageRows for mode 2 when every channel's total
  ;; shift is ≥ 31 (the header's sixth value), ib = 0 and n a multiple of 4,
  ;; with the row loop inside: $rqSingle's four-channel steps, the same
  ;; formula. When every r = t − 31 is ≥ 2 (the header's seventh value), a
  ;; shorter one: with q = ⌊x·M / 2^31⌋ (an int32: |x·M| < 2^62),
  ;; (x·M + 2^(30+r)) >> (31+r) = ⌊q / 2^r⌋ + bit r−1 of q = ⌊u / 2⌋ + (u & 1)
  ;; for u = ⌊q / 2^(r−1)⌋, the high half of q·2^(33−r) (2^(33−r) ≤ 2^31 as
  ;; uint32, minus 2^(33−r) for negative q): no rounding term, no r = 0
  ;; lanes, no remainder test.
  (func $rqSingleRows4 (param $m i32) (param $n i32) (param $acc i32) (param $add i32) (param $out i32) (param $ldo i32)
    (param $rq i32) (param $c0 i32)
    (local $i i32) (local $j i32) (local $C4 i32) (local $tm i32) (local $tk i32) (local $tp i32) (local $o i32)
    (local $xv v128) (local $a0 v128) (local $a1 v128) (local $vv v128) (local $mv v128) (local $zero v128)
    (local $zpv v128) (local $lov v128) (local $hiv v128) (local $fast i32) (local $d v128)
    (local.set $zpv (i32x4.splat (i32.load offset=4 (local.get $rq))))
    (local.set $lov (i32x4.splat (i32.load offset=8 (local.get $rq))))
    (local.set $hiv (i32x4.splat (i32.load offset=12 (local.get $rq))))
    (local.set $C4 (i32.shl (i32.load offset=16 (local.get $rq)) (i32.const 2)))
    (local.set $tm (i32.add (i32.add (local.get $rq) (i32.const 32)) (i32.shl (local.get $c0) (i32.const 2))))
    (local.set $tk (i32.add (local.get $tm) (i32.mul (local.get $C4) (i32.const 3))))
    (local.set $tp (i32.add (local.get $tk) (local.get $C4)))
    (local.set $fast (i32.load offset=24 (local.get $rq))) ;; every r ≥ 2
    (local.set $n (i32.shl (local.get $n) (i32.const 2))) ;; bytes of a row of acc, add and the tables
    (loop $li
      (local.set $j (i32.const 0))
      (local.set $o (local.get $out))
      (loop $lj
        (local.set $xv (i32x4.add (v128.load (i32.add (local.get $acc) (local.get $j))) (v128.load (i32.add (local.get $add) (local.get $j)))))
        (v128.store (i32.add (local.get $acc) (local.get $j)) (local.get $xv))
        (if (local.get $fast)
          (then ;; q = ⌊x·M / 2^31⌋, u = ⌊q / 2^(r−1)⌋ (D = 2^(33−r) = 2·T4), v = ⌊u / 2⌋ + (u & 1)
            (local.set $a0 (i64x2.shr_u (i64x2.extmul_low_i32x4_s (local.get $xv) (v128.load (i32.add (local.get $tm) (local.get $j)))) (i32.const 31)))
            (local.set $a1 (i64x2.shr_u (i64x2.extmul_high_i32x4_s (local.get $xv) (v128.load (i32.add (local.get $tm) (local.get $j)))) (i32.const 31)))
            (local.set $vv (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $a0) (local.get $a1)))
            (local.set $d (i32x4.shl (v128.load (i32.add (local.get $tp) (local.get $j))) (i32.const 1)))
            (local.set $a0 (i64x2.extmul_low_i32x4_u (local.get $vv) (local.get $d)))
            (local.set $a1 (i64x2.extmul_high_i32x4_u (local.get $vv) (local.get $d)))
            (local.set $xv (i32x4.sub (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $a0) (local.get $a1))
              (v128.and (local.get $d) (i32x4.shr_s (local.get $vv) (i32.const 31)))))
            (local.set $xv (i32x4.add (i32x4.shr_s (local.get $xv) (i32.const 1)) (v128.and (local.get $xv) (v128.const i32x4 1 1 1 1)))))
          (else
            (local.set $mv (v128.load (i32.add (local.get $tk) (local.get $j))))
              (local.set $zero (i32x4.eq (local.get $mv) (v128.const i32x4 0 0 0 0))) ;; lanes with r = 0
              (local.set $vv (v128.and (local.get $zero) (v128.const i32x4 0x40000000 0x40000000 0x40000000 0x40000000)))
              (local.set $a0 (i64x2.shr_u (i64x2.add (i64x2.extmul_low_i32x4_s (local.get $xv) (v128.load (i32.add (local.get $tm) (local.get $j))))
                (i64x2.extend_low_i32x4_s (local.get $vv))) (i32.const 31)))
              (local.set $a1 (i64x2.shr_u (i64x2.add (i64x2.extmul_high_i32x4_s (local.get $xv) (v128.load (i32.add (local.get $tm) (local.get $j))))
                (i64x2.extend_high_i32x4_s (local.get $vv))) (i32.const 31)))
              (local.set $vv (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $a0) (local.get $a1)))
              (local.set $xv (v128.load (i32.add (local.get $tp) (local.get $j))))
              (local.set $a0 (i64x2.extmul_low_i32x4_u (local.get $vv) (local.get $xv)))
              (local.set $a1 (i64x2.extmul_high_i32x4_u (local.get $vv) (local.get $xv)))
              (local.set $xv (i32x4.add
                (i32x4.sub (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $a0) (local.get $a1))
                  (v128.and (local.get $xv) (i32x4.shr_s (local.get $vv) (i32.const 31))))
                (v128.and (local.get $vv) (local.get $zero))))
              (local.set $xv (i32x4.add (local.get $xv)
                (i32x4.shr_u (i32x4.sub (i32x4.shr_s (local.get $mv) (i32.const 1)) (v128.and (local.get $vv) (local.get $mv))) (i32.const 31))))))
        (local.set $xv (i32x4.min_s (i32x4.max_s (i32x4.add (local.get $xv) (local.get $zpv)) (local.get $lov)) (local.get $hiv)))
        (v128.store32_lane 0 (local.get $o)
          (i8x16.shuffle 0 4 8 12 0 0 0 0 0 0 0 0 0 0 0 0 (local.get $xv) (local.get $xv)))
        (local.set $o (i32.add (local.get $o) (i32.const 4)))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br_if $lj (i32.lt_u (local.get $j) (local.get $n))))
      (local.set $acc (i32.add (local.get $acc) (local.get $n)))
      (local.set $out (i32.add (local.get $out) (local.get $ldo)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $li (i32.lt_u (local.get $i) (local.get $m)))))
)
