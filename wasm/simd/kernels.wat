;; kernels.wat: int8scope's WebAssembly SIMD kernels, the hot loops of the
;; engine for browsers that have 128-bit SIMD. Go's WebAssembly backend emits
;; no SIMD, so these few functions are written here and called by the Go
;; instance (wasm/simd.go, through web/static/simd.js) once per op, on the Go
;; instance's own memory: every pointer is an offset into Go's linear memory.
;;
;; Built by `make simd` with wat2wasm (npm wabt) into web/static/simd.wasm.
;; The pure-Go kernels in package engine are the fallback and the reference:
;; web/test/simd.test.js checks these against them on random shapes.
;;
;; Every sum is an int32 sum of int8·int8 products in wrapping arithmetic,
;; so the order of the additions does not change the result: the kernels
;; return exactly what the Go loops return.
;;
;; How: v128.load8x8_s loads 8 int8 values widened to int16 (one pmovsxbw
;; on x86), i32x4.dot_i16x8_s multiplies 8 pairs and adds neighbours into 4
;; int32 lanes (one pmaddwd; its int16 products of int8 values never
;; overflow), i32x4.add accumulates. Outputs are computed in blocks (4 rows ×
;; 2 columns, 1 row × 4 columns) so each loaded vector serves several dot
;; products; k is walked 8 at a time and its last k mod 8 elements scalar.
(module
  (import "go" "mem" (memory 0))

  ;; $hsum adds the 4 int32 lanes of v.
  (func $hsum (param $v v128) (result i32)
    (i32.add
      (i32.add (i32x4.extract_lane 0 (local.get $v)) (i32x4.extract_lane 1 (local.get $v)))
      (i32.add (i32x4.extract_lane 2 (local.get $v)) (i32x4.extract_lane 3 (local.get $v)))))

  ;; $dot is Σ_{i<k} a[i]·b[i] (a, b int8 at addresses a, b).
  (func $dot (param $a i32) (param $b i32) (param $k i32) (result i32)
    (local $end i32) (local $acc v128) (local $s i32)
    (local.set $end (i32.add (local.get $a) (i32.and (local.get $k) (i32.const -8))))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $a) (local.get $end)))
        (local.set $acc (i32x4.add (local.get $acc)
          (i32x4.dot_i16x8_s (v128.load8x8_s (local.get $a)) (v128.load8x8_s (local.get $b)))))
        (local.set $a (i32.add (local.get $a) (i32.const 8)))
        (local.set $b (i32.add (local.get $b) (i32.const 8)))
        (br $l)))
    (local.set $s (call $hsum (local.get $acc)))
    (local.set $end (i32.add (local.get $end) (i32.and (local.get $k) (i32.const 7))))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $a) (local.get $end)))
        (local.set $s (i32.add (local.get $s)
          (i32.mul (i32.load8_s (local.get $a)) (i32.load8_s (local.get $b)))))
        (local.set $a (i32.add (local.get $a) (i32.const 1)))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $l)))
    (local.get $s))

  ;; $block4x2 writes the 4×2 block of dot products of the rows a, a+k,
  ;; a+2k, a+3k with the rows b, b+k into out[r*n+c] (out an int32 address,
  ;; n the row length of out in elements).
  (func $block4x2 (param $a i32) (param $b i32) (param $k i32) (param $out i32) (param $n i32)
    (local $a1 i32) (local $a2 i32) (local $a3 i32) (local $b1 i32) (local $end i32)
    (local $x0 v128) (local $x1 v128) (local $x2 v128) (local $x3 v128) (local $y0 v128) (local $y1 v128)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local $s00 i32) (local $s01 i32) (local $s10 i32) (local $s11 i32)
    (local $s20 i32) (local $s21 i32) (local $s30 i32) (local $s31 i32)
    (local $p i32) (local $q i32) (local $row i32)
    (local.set $a1 (i32.add (local.get $a) (local.get $k)))
    (local.set $a2 (i32.add (local.get $a1) (local.get $k)))
    (local.set $a3 (i32.add (local.get $a2) (local.get $k)))
    (local.set $b1 (i32.add (local.get $b) (local.get $k)))
    (local.set $end (i32.and (local.get $k) (i32.const -8)))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $y0 (v128.load8x8_s (i32.add (local.get $b) (local.get $p))))
        (local.set $y1 (v128.load8x8_s (i32.add (local.get $b1) (local.get $p))))
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
        (br $l)))
    (local.set $s00 (call $hsum (local.get $c00)))
    (local.set $s01 (call $hsum (local.get $c01)))
    (local.set $s10 (call $hsum (local.get $c10)))
    (local.set $s11 (call $hsum (local.get $c11)))
    (local.set $s20 (call $hsum (local.get $c20)))
    (local.set $s21 (call $hsum (local.get $c21)))
    (local.set $s30 (call $hsum (local.get $c30)))
    (local.set $s31 (call $hsum (local.get $c31)))
    ;; the last k mod 8 elements, one at a time
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $p) (local.get $k)))
        (local.set $q (i32.load8_s (i32.add (local.get $b) (local.get $p))))
        (local.set $row (i32.load8_s (i32.add (local.get $b1) (local.get $p))))
        (local.set $s00 (i32.add (local.get $s00) (i32.mul (i32.load8_s (i32.add (local.get $a) (local.get $p))) (local.get $q))))
        (local.set $s01 (i32.add (local.get $s01) (i32.mul (i32.load8_s (i32.add (local.get $a) (local.get $p))) (local.get $row))))
        (local.set $s10 (i32.add (local.get $s10) (i32.mul (i32.load8_s (i32.add (local.get $a1) (local.get $p))) (local.get $q))))
        (local.set $s11 (i32.add (local.get $s11) (i32.mul (i32.load8_s (i32.add (local.get $a1) (local.get $p))) (local.get $row))))
        (local.set $s20 (i32.add (local.get $s20) (i32.mul (i32.load8_s (i32.add (local.get $a2) (local.get $p))) (local.get $q))))
        (local.set $s21 (i32.add (local.get $s21) (i32.mul (i32.load8_s (i32.add (local.get $a2) (local.get $p))) (local.get $row))))
        (local.set $s30 (i32.add (local.get $s30) (i32.mul (i32.load8_s (i32.add (local.get $a3) (local.get $p))) (local.get $q))))
        (local.set $s31 (i32.add (local.get $s31) (i32.mul (i32.load8_s (i32.add (local.get $a3) (local.get $p))) (local.get $row))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $l)))
    (local.set $row (i32.shl (local.get $n) (i32.const 2))) ;; bytes per output row
    (i32.store offset=0 (local.get $out) (local.get $s00))
    (i32.store offset=4 (local.get $out) (local.get $s01))
    (local.set $out (i32.add (local.get $out) (local.get $row)))
    (i32.store offset=0 (local.get $out) (local.get $s10))
    (i32.store offset=4 (local.get $out) (local.get $s11))
    (local.set $out (i32.add (local.get $out) (local.get $row)))
    (i32.store offset=0 (local.get $out) (local.get $s20))
    (i32.store offset=4 (local.get $out) (local.get $s21))
    (local.set $out (i32.add (local.get $out) (local.get $row)))
    (i32.store offset=0 (local.get $out) (local.get $s30))
    (i32.store offset=4 (local.get $out) (local.get $s31)))

  ;; $block1x4 writes the dot products of the row a with the rows b, b+k,
  ;; b+2k, b+3k into out[0..3].
  (func $block1x4 (param $a i32) (param $b i32) (param $k i32) (param $out i32)
    (local $b1 i32) (local $b2 i32) (local $b3 i32) (local $end i32) (local $p i32) (local $x v128) (local $xs i32)
    (local $c0 v128) (local $c1 v128) (local $c2 v128) (local $c3 v128)
    (local $s0 i32) (local $s1 i32) (local $s2 i32) (local $s3 i32)
    (local.set $b1 (i32.add (local.get $b) (local.get $k)))
    (local.set $b2 (i32.add (local.get $b1) (local.get $k)))
    (local.set $b3 (i32.add (local.get $b2) (local.get $k)))
    (local.set $end (i32.and (local.get $k) (i32.const -8)))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $x (v128.load8x8_s (i32.add (local.get $a) (local.get $p))))
        (local.set $c0 (i32x4.add (local.get $c0) (i32x4.dot_i16x8_s (local.get $x) (v128.load8x8_s (i32.add (local.get $b) (local.get $p))))))
        (local.set $c1 (i32x4.add (local.get $c1) (i32x4.dot_i16x8_s (local.get $x) (v128.load8x8_s (i32.add (local.get $b1) (local.get $p))))))
        (local.set $c2 (i32x4.add (local.get $c2) (i32x4.dot_i16x8_s (local.get $x) (v128.load8x8_s (i32.add (local.get $b2) (local.get $p))))))
        (local.set $c3 (i32x4.add (local.get $c3) (i32x4.dot_i16x8_s (local.get $x) (v128.load8x8_s (i32.add (local.get $b3) (local.get $p))))))
        (local.set $p (i32.add (local.get $p) (i32.const 8)))
        (br $l)))
    (local.set $s0 (call $hsum (local.get $c0)))
    (local.set $s1 (call $hsum (local.get $c1)))
    (local.set $s2 (call $hsum (local.get $c2)))
    (local.set $s3 (call $hsum (local.get $c3)))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $p) (local.get $k)))
        (local.set $xs (i32.load8_s (i32.add (local.get $a) (local.get $p))))
        (local.set $s0 (i32.add (local.get $s0) (i32.mul (local.get $xs) (i32.load8_s (i32.add (local.get $b) (local.get $p))))))
        (local.set $s1 (i32.add (local.get $s1) (i32.mul (local.get $xs) (i32.load8_s (i32.add (local.get $b1) (local.get $p))))))
        (local.set $s2 (i32.add (local.get $s2) (i32.mul (local.get $xs) (i32.load8_s (i32.add (local.get $b2) (local.get $p))))))
        (local.set $s3 (i32.add (local.get $s3) (i32.mul (local.get $xs) (i32.load8_s (i32.add (local.get $b3) (local.get $p))))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $l)))
    (i32.store offset=0 (local.get $out) (local.get $s0))
    (i32.store offset=4 (local.get $out) (local.get $s1))
    (i32.store offset=8 (local.get $out) (local.get $s2))
    (i32.store offset=12 (local.get $out) (local.get $s3)))

  ;; gemm_s8 sets out[i*n+j] = Σ_{kk<k} a[i*k+kk]·b[j*k+kk] for i<m, j<n:
  ;; a is m×k, b is n×k, both row-major int8; out is m×n int32. It is
  ;; engine.gemmS8 (engine/gemm.go), the pure-Go kernel it replaces.
  (func (export "gemm_s8") (param $m i32) (param $n i32) (param $k i32) (param $a i32) (param $b i32) (param $out i32)
    (local $i i32) (local $j i32) (local $arow i32) (local $orow i32) (local $r i32)
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
              (local.get $k) (i32.add (local.get $orow) (i32.shl (local.get $j) (i32.const 2))) (local.get $n))
            (local.set $j (i32.add (local.get $j) (i32.const 2)))
            (br $lj)))
        (if (i32.lt_u (local.get $j) (local.get $n))
          (then
            (local.set $r (i32.const 0))
            (loop $lr
              (i32.store
                (i32.add (local.get $orow) (i32.shl (i32.add (i32.mul (local.get $r) (local.get $n)) (local.get $j)) (i32.const 2)))
                (call $dot (i32.add (local.get $arow) (i32.mul (local.get $r) (local.get $k)))
                  (i32.add (local.get $b) (i32.mul (local.get $j) (local.get $k))) (local.get $k)))
              (local.set $r (i32.add (local.get $r) (i32.const 1)))
              (br_if $lr (i32.lt_u (local.get $r) (i32.const 4))))))
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
              (local.get $k) (i32.add (local.get $orow) (i32.shl (local.get $j) (i32.const 2))))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $lj)))
        (block $cols1
          (loop $lj
            (br_if $cols1 (i32.ge_u (local.get $j) (local.get $n)))
            (i32.store (i32.add (local.get $orow) (i32.shl (local.get $j) (i32.const 2)))
              (call $dot (local.get $arow) (i32.add (local.get $b) (i32.mul (local.get $j) (local.get $k))) (local.get $k)))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $lj)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $li))))
)
