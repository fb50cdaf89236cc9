;; 128-bit SIMD loops for the JS kernels (kernels/group-norm.ts, kernels/layouts.ts), run on the
;; tfjs-backend-wasm heap itself (the memory is imported). Every pointer is a byte offset. The group
;; normalisation loops cover one sample per call: s pixels of c channels (c % 4 == 0), per-channel
;; parameters as f32 arrays. Rebuild simd-bytes.ts after an edit: node src-main/model/kernels/build-simd.ts.
(module
  (import "env" "memory" (memory 0))

  ;; sum[k] += d, sq[k] += d * d with d = x - shift[k] (shifted sums: no cancellation in the variance)
  (func (export "stats") (param $x i32) (param $s i32) (param $c i32) (param $shift i32) (param $sum i32) (param $sq i32)
    (local $end i32) (local $k i32) (local $cb i32) (local $d v128)
    (local.set $cb (i32.shl (local.get $c) (i32.const 2)))
    (local.set $end (i32.add (local.get $x) (i32.mul (local.get $s) (local.get $cb))))
    (block $done
      (loop $pixel
        (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
        (local.set $k (i32.const 0))
        (loop $channel
          (local.set $d (f32x4.sub (v128.load (i32.add (local.get $x) (local.get $k))) (v128.load (i32.add (local.get $shift) (local.get $k)))))
          (v128.store (i32.add (local.get $sum) (local.get $k)) (f32x4.add (v128.load (i32.add (local.get $sum) (local.get $k))) (local.get $d)))
          (v128.store (i32.add (local.get $sq) (local.get $k)) (f32x4.add (v128.load (i32.add (local.get $sq) (local.get $k))) (f32x4.mul (local.get $d) (local.get $d))))
          (local.set $k (i32.add (local.get $k) (i32.const 16)))
          (br_if $channel (i32.lt_u (local.get $k) (local.get $cb))))
        (local.set $x (i32.add (local.get $x) (local.get $cb)))
        (br $pixel))))

  ;; y = max((x - mc[k]) * a[k] + b[k], floor): floor 0 for ReLU, -inf for none
  (func (export "affine") (param $x i32) (param $y i32) (param $s i32) (param $c i32) (param $mc i32) (param $a i32) (param $b i32) (param $floor f32)
    (local $end i32) (local $k i32) (local $cb i32) (local $lo v128)
    (local.set $lo (f32x4.splat (local.get $floor)))
    (local.set $cb (i32.shl (local.get $c) (i32.const 2)))
    (local.set $end (i32.add (local.get $x) (i32.mul (local.get $s) (local.get $cb))))
    (block $done
      (loop $pixel
        (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
        (local.set $k (i32.const 0))
        (loop $channel
          (v128.store (i32.add (local.get $y) (local.get $k))
            (f32x4.max
              (f32x4.add
                (f32x4.mul (f32x4.sub (v128.load (i32.add (local.get $x) (local.get $k))) (v128.load (i32.add (local.get $mc) (local.get $k))))
                           (v128.load (i32.add (local.get $a) (local.get $k))))
                (v128.load (i32.add (local.get $b) (local.get $k))))
              (local.get $lo)))
          (local.set $k (i32.add (local.get $k) (i32.const 16)))
          (br_if $channel (i32.lt_u (local.get $k) (local.get $cb))))
        (local.set $x (i32.add (local.get $x) (local.get $cb)))
        (local.set $y (i32.add (local.get $y) (local.get $cb)))
        (br $pixel))))

  ;; g = dy where y > 0 (all of dy when keep is -1: no ReLU; y may then be any readable array);
  ;; s1[k] += g, s2[k] += g * (x - mc[k])
  (func (export "gradSums") (param $dy i32) (param $x i32) (param $y i32) (param $keep i32) (param $s i32) (param $c i32) (param $mc i32) (param $s1 i32) (param $s2 i32)
    (local $end i32) (local $k i32) (local $cb i32) (local $all v128) (local $g v128)
    (local.set $all (i32x4.splat (local.get $keep)))
    (local.set $cb (i32.shl (local.get $c) (i32.const 2)))
    (local.set $end (i32.add (local.get $dy) (i32.mul (local.get $s) (local.get $cb))))
    (block $done
      (loop $pixel
        (br_if $done (i32.ge_u (local.get $dy) (local.get $end)))
        (local.set $k (i32.const 0))
        (loop $channel
          (local.set $g (v128.and (v128.load (i32.add (local.get $dy) (local.get $k)))
            (v128.or (local.get $all) (f32x4.gt (v128.load (i32.add (local.get $y) (local.get $k))) (v128.const f32x4 0 0 0 0)))))
          (v128.store (i32.add (local.get $s1) (local.get $k)) (f32x4.add (v128.load (i32.add (local.get $s1) (local.get $k))) (local.get $g)))
          (v128.store (i32.add (local.get $s2) (local.get $k))
            (f32x4.add (v128.load (i32.add (local.get $s2) (local.get $k)))
              (f32x4.mul (local.get $g) (f32x4.sub (v128.load (i32.add (local.get $x) (local.get $k))) (v128.load (i32.add (local.get $mc) (local.get $k)))))))
          (local.set $k (i32.add (local.get $k) (i32.const 16)))
          (br_if $channel (i32.lt_u (local.get $k) (local.get $cb))))
        (local.set $dy (i32.add (local.get $dy) (local.get $cb)))
        (local.set $x (i32.add (local.get $x) (local.get $cb)))
        (local.set $y (i32.add (local.get $y) (local.get $cb)))
        (br $pixel))))

  ;; dx = g * p[k] + (x - mc[k]) * q[k] + r[k], g as in gradSums
  (func (export "gradInput") (param $dy i32) (param $x i32) (param $y i32) (param $keep i32) (param $dx i32) (param $s i32) (param $c i32) (param $mc i32) (param $p i32) (param $q i32) (param $r i32)
    (local $end i32) (local $k i32) (local $cb i32) (local $all v128) (local $g v128)
    (local.set $all (i32x4.splat (local.get $keep)))
    (local.set $cb (i32.shl (local.get $c) (i32.const 2)))
    (local.set $end (i32.add (local.get $dy) (i32.mul (local.get $s) (local.get $cb))))
    (block $done
      (loop $pixel
        (br_if $done (i32.ge_u (local.get $dy) (local.get $end)))
        (local.set $k (i32.const 0))
        (loop $channel
          (local.set $g (v128.and (v128.load (i32.add (local.get $dy) (local.get $k)))
            (v128.or (local.get $all) (f32x4.gt (v128.load (i32.add (local.get $y) (local.get $k))) (v128.const f32x4 0 0 0 0)))))
          (v128.store (i32.add (local.get $dx) (local.get $k))
            (f32x4.add
              (f32x4.add
                (f32x4.mul (local.get $g) (v128.load (i32.add (local.get $p) (local.get $k))))
                (f32x4.mul (f32x4.sub (v128.load (i32.add (local.get $x) (local.get $k))) (v128.load (i32.add (local.get $mc) (local.get $k))))
                           (v128.load (i32.add (local.get $q) (local.get $k)))))
              (v128.load (i32.add (local.get $r) (local.get $k)))))
          (local.set $k (i32.add (local.get $k) (i32.const 16)))
          (br_if $channel (i32.lt_u (local.get $k) (local.get $cb))))
        (local.set $dy (i32.add (local.get $dy) (local.get $cb)))
        (local.set $x (i32.add (local.get $x) (local.get $cb)))
        (local.set $y (i32.add (local.get $y) (local.get $cb)))
        (local.set $dx (i32.add (local.get $dx) (local.get $cb)))
        (br $pixel))))

  ;; rows x len floats (len % 4 == 0) from src to dst, rows srcStride and dstStride bytes apart
  (func (export "copyRows") (param $src i32) (param $dst i32) (param $rows i32) (param $len i32) (param $srcStride i32) (param $dstStride i32)
    (local $k i32) (local $lb i32)
    (local.set $lb (i32.shl (local.get $len) (i32.const 2)))
    (block $done
      (loop $row
        (br_if $done (i32.eqz (local.get $rows)))
        (local.set $k (i32.const 0))
        (loop $v
          (v128.store (i32.add (local.get $dst) (local.get $k)) (v128.load (i32.add (local.get $src) (local.get $k))))
          (local.set $k (i32.add (local.get $k) (i32.const 16)))
          (br_if $v (i32.lt_u (local.get $k) (local.get $lb))))
        (local.set $src (i32.add (local.get $src) (local.get $srcStride)))
        (local.set $dst (i32.add (local.get $dst) (local.get $dstStride)))
        (local.set $rows (i32.sub (local.get $rows) (i32.const 1)))
        (br $row))))

  ;; dst[k][b] = src[b][k] for b < rows, k < cols (both % 4 == 0): src rows srcStride bytes apart
  ;; (cols contiguous floats), dst rows dstStride bytes apart (rows contiguous floats); 4x4 tiles
  (func (export "transposeBlock") (param $src i32) (param $srcStride i32) (param $dst i32) (param $dstStride i32) (param $rows i32) (param $cols i32)
    (local $b i32) (local $k i32) (local $s i32) (local $d i32)
    (local $r0 v128) (local $r1 v128) (local $r2 v128) (local $r3 v128)
    (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    (local.set $b (i32.const 0))
    (loop $brow
      (local.set $k (i32.const 0))
      (loop $kcol
        (local.set $s (i32.add (i32.add (local.get $src) (i32.mul (local.get $b) (local.get $srcStride))) (i32.shl (local.get $k) (i32.const 2))))
        (local.set $r0 (v128.load (local.get $s)))
        (local.set $r1 (v128.load (i32.add (local.get $s) (local.get $srcStride))))
        (local.set $r2 (v128.load (i32.add (local.get $s) (i32.shl (local.get $srcStride) (i32.const 1)))))
        (local.set $r3 (v128.load (i32.add (local.get $s) (i32.mul (local.get $srcStride) (i32.const 3)))))
        (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $r0) (local.get $r1)))
        (local.set $t1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $r0) (local.get $r1)))
        (local.set $t2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $r2) (local.get $r3)))
        (local.set $t3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $r2) (local.get $r3)))
        (local.set $d (i32.add (i32.add (local.get $dst) (i32.mul (local.get $k) (local.get $dstStride))) (i32.shl (local.get $b) (i32.const 2))))
        (v128.store (local.get $d) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t2)))
        (v128.store (i32.add (local.get $d) (local.get $dstStride)) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t2)))
        (v128.store (i32.add (local.get $d) (i32.shl (local.get $dstStride) (i32.const 1))) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t1) (local.get $t3)))
        (v128.store (i32.add (local.get $d) (i32.mul (local.get $dstStride) (i32.const 3))) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t1) (local.get $t3)))
        (local.set $k (i32.add (local.get $k) (i32.const 4)))
        (br_if $kcol (i32.lt_u (local.get $k) (local.get $cols))))
      (local.set $b (i32.add (local.get $b) (i32.const 4)))
      (br_if $brow (i32.lt_u (local.get $b) (local.get $rows)))))

  ;; AdamW on n floats (n % 4 == 0): m' = b1 m + c1 g, v' = b2 v + c2 g^2 (c = 1 - b, rounded once
  ;; from float64 by the caller, as tf does with its scalars),
  ;; w' = w keep - step m' / (sqrt(v' ic2) + eps), with step = lr / (1 - b1^t), ic2 = 1 / (1 - b2^t),
  ;; keep = 1 - lr * weight decay
  (func (export "adamw") (param $w i32) (param $g i32) (param $m i32) (param $v i32) (param $wo i32) (param $mo i32) (param $vo i32) (param $n i32)
        (param $b1 f32) (param $c1 f32) (param $b2 f32) (param $c2 f32) (param $step f32) (param $ic2 f32) (param $eps f32) (param $keep f32)
    (local $i i32) (local $end i32) (local $gv v128) (local $mv v128) (local $vv v128)
    (local $B1 v128) (local $C1 v128) (local $B2 v128) (local $C2 v128) (local $S v128) (local $I v128) (local $E v128) (local $K v128)
    (local.set $B1 (f32x4.splat (local.get $b1)))
    (local.set $C1 (f32x4.splat (local.get $c1)))
    (local.set $B2 (f32x4.splat (local.get $b2)))
    (local.set $C2 (f32x4.splat (local.get $c2)))
    (local.set $S (f32x4.splat (local.get $step)))
    (local.set $I (f32x4.splat (local.get $ic2)))
    (local.set $E (f32x4.splat (local.get $eps)))
    (local.set $K (f32x4.splat (local.get $keep)))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $gv (v128.load (i32.add (local.get $g) (local.get $i))))
        (local.set $mv (f32x4.add (f32x4.mul (local.get $B1) (v128.load (i32.add (local.get $m) (local.get $i)))) (f32x4.mul (local.get $C1) (local.get $gv))))
        (local.set $vv (f32x4.add (f32x4.mul (local.get $B2) (v128.load (i32.add (local.get $v) (local.get $i)))) (f32x4.mul (local.get $C2) (f32x4.mul (local.get $gv) (local.get $gv)))))
        (v128.store (i32.add (local.get $mo) (local.get $i)) (local.get $mv))
        (v128.store (i32.add (local.get $vo) (local.get $i)) (local.get $vv))
        (v128.store (i32.add (local.get $wo) (local.get $i))
          (f32x4.sub
            (f32x4.mul (v128.load (i32.add (local.get $w) (local.get $i))) (local.get $K))
            (f32x4.div (f32x4.mul (local.get $S) (local.get $mv)) (f32x4.add (f32x4.sqrt (f32x4.mul (local.get $vv) (local.get $I))) (local.get $E)))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $next))))

  ;; out = a tau + b rest on n floats (n % 4 == 0), rest = 1 - tau: the EMA of the target network
  (func (export "lerp") (param $a i32) (param $b i32) (param $out i32) (param $n i32) (param $tau f32) (param $rest f32)
    (local $i i32) (local $end i32) (local $T v128) (local $U v128)
    (local.set $T (f32x4.splat (local.get $tau)))
    (local.set $U (f32x4.splat (local.get $rest)))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (v128.store (i32.add (local.get $out) (local.get $i))
          (f32x4.add (f32x4.mul (v128.load (i32.add (local.get $a) (local.get $i))) (local.get $T))
                     (f32x4.mul (v128.load (i32.add (local.get $b) (local.get $i))) (local.get $U))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $next))))

  ;; Max-pool gradient of one output pixel over c channels (c % 4 == 0): for each window element in
  ;; row-major order, channels whose maximum y is not yet found and whose x equals it get dy added to
  ;; dx there. x and dx point at the window's first element; rows x cols elements, rows rowStride
  ;; bytes apart, elements c * 4. open: c floats of scratch.
  (func (export "maxPoolGradPixel") (param $dy i32) (param $y i32) (param $x i32) (param $dx i32) (param $c i32) (param $rows i32) (param $cols i32) (param $rowStride i32) (param $open i32)
    (local $cb i32) (local $k i32) (local $r i32) (local $q i32) (local $at i32) (local $o v128) (local $hit v128)
    (local.set $cb (i32.shl (local.get $c) (i32.const 2)))
    (loop $init
      (v128.store (i32.add (local.get $open) (local.get $k)) (v128.const i32x4 -1 -1 -1 -1))
      (local.set $k (i32.add (local.get $k) (i32.const 16)))
      (br_if $init (i32.lt_u (local.get $k) (local.get $cb))))
    (loop $row
      (local.set $q (i32.const 0))
      (loop $col
        (local.set $at (i32.add (i32.mul (local.get $r) (local.get $rowStride)) (i32.mul (local.get $q) (local.get $cb))))
        (local.set $k (i32.const 0))
        (loop $channel
          (local.set $o (v128.load (i32.add (local.get $open) (local.get $k))))
          (local.set $hit (v128.and (local.get $o)
            (f32x4.eq (v128.load (i32.add (i32.add (local.get $x) (local.get $at)) (local.get $k))) (v128.load (i32.add (local.get $y) (local.get $k))))))
          (v128.store (i32.add (i32.add (local.get $dx) (local.get $at)) (local.get $k))
            (f32x4.add (v128.load (i32.add (i32.add (local.get $dx) (local.get $at)) (local.get $k)))
                       (v128.and (local.get $hit) (v128.load (i32.add (local.get $dy) (local.get $k))))))
          (v128.store (i32.add (local.get $open) (local.get $k)) (v128.andnot (local.get $o) (local.get $hit)))
          (local.set $k (i32.add (local.get $k) (i32.const 16)))
          (br_if $channel (i32.lt_u (local.get $k) (local.get $cb))))
        (local.set $q (i32.add (local.get $q) (i32.const 1)))
        (br_if $col (i32.lt_u (local.get $q) (local.get $cols))))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br_if $row (i32.lt_u (local.get $r) (local.get $rows)))))

  ;; One filter tap of a convolution's filter gradient, as a register-blocked outer product summed
  ;; over m rows: dw[i][o] += sum_k x_k[i] dy_k[o], with x_k the x pixel of row k at byte offset
  ;; rows[k] (-1: padding, skipped), dy_k row k of dy ([m, co]), dw [ci, co] (ci % 4 == 0, co % 8 == 0).
  ;; 4 input channels x 8 output channels per block, accumulating into dw (the caller zeroes it and
  ;; calls per tile of rows, so the tile of dy stays in cache across the blocks).
  (func (export "filterGradTap") (param $rows i32) (param $m i32) (param $dy i32) (param $dw i32) (param $ci i32) (param $co i32)
    (local $cb i32) (local $ob i32) (local $k i32) (local $p i32) (local $dyRow i32) (local $coB i32) (local $ciB i32) (local $dwp i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $a4 v128) (local $a5 v128) (local $a6 v128) (local $a7 v128)
    (local $x v128) (local $d0 v128) (local $d1 v128) (local $s v128)
    (local.set $coB (i32.shl (local.get $co) (i32.const 2)))
    (local.set $ciB (i32.shl (local.get $ci) (i32.const 2)))
    (loop $ciblk
      (local.set $ob (i32.const 0))
      (loop $coblk
        (local.set $dwp (i32.add (i32.add (local.get $dw) (i32.mul (i32.shr_u (local.get $cb) (i32.const 2)) (local.get $coB))) (local.get $ob)))
        (local.set $a0 (v128.load (local.get $dwp))) (local.set $a1 (v128.load offset=16 (local.get $dwp)))
        (local.set $dwp (i32.add (local.get $dwp) (local.get $coB)))
        (local.set $a2 (v128.load (local.get $dwp))) (local.set $a3 (v128.load offset=16 (local.get $dwp)))
        (local.set $dwp (i32.add (local.get $dwp) (local.get $coB)))
        (local.set $a4 (v128.load (local.get $dwp))) (local.set $a5 (v128.load offset=16 (local.get $dwp)))
        (local.set $dwp (i32.add (local.get $dwp) (local.get $coB)))
        (local.set $a6 (v128.load (local.get $dwp))) (local.set $a7 (v128.load offset=16 (local.get $dwp)))
        (local.set $k (i32.const 0))
        (local.set $dyRow (i32.add (local.get $dy) (local.get $ob)))
        (loop $mloop
          (local.set $p (i32.load (i32.add (local.get $rows) (i32.shl (local.get $k) (i32.const 2)))))
          (if (i32.ge_s (local.get $p) (i32.const 0))
            (then
              (local.set $x (v128.load (i32.add (local.get $p) (local.get $cb))))
              (local.set $d0 (v128.load (local.get $dyRow)))
              (local.set $d1 (v128.load offset=16 (local.get $dyRow)))
              (local.set $s (i8x16.shuffle 0 1 2 3 0 1 2 3 0 1 2 3 0 1 2 3 (local.get $x) (local.get $x)))
              (local.set $a0 (f32x4.add (f32x4.mul (local.get $s) (local.get $d0)) (local.get $a0)))
              (local.set $a1 (f32x4.add (f32x4.mul (local.get $s) (local.get $d1)) (local.get $a1)))
              (local.set $s (i8x16.shuffle 4 5 6 7 4 5 6 7 4 5 6 7 4 5 6 7 (local.get $x) (local.get $x)))
              (local.set $a2 (f32x4.add (f32x4.mul (local.get $s) (local.get $d0)) (local.get $a2)))
              (local.set $a3 (f32x4.add (f32x4.mul (local.get $s) (local.get $d1)) (local.get $a3)))
              (local.set $s (i8x16.shuffle 8 9 10 11 8 9 10 11 8 9 10 11 8 9 10 11 (local.get $x) (local.get $x)))
              (local.set $a4 (f32x4.add (f32x4.mul (local.get $s) (local.get $d0)) (local.get $a4)))
              (local.set $a5 (f32x4.add (f32x4.mul (local.get $s) (local.get $d1)) (local.get $a5)))
              (local.set $s (i8x16.shuffle 12 13 14 15 12 13 14 15 12 13 14 15 12 13 14 15 (local.get $x) (local.get $x)))
              (local.set $a6 (f32x4.add (f32x4.mul (local.get $s) (local.get $d0)) (local.get $a6)))
              (local.set $a7 (f32x4.add (f32x4.mul (local.get $s) (local.get $d1)) (local.get $a7)))))
          (local.set $dyRow (i32.add (local.get $dyRow) (local.get $coB)))
          (local.set $k (i32.add (local.get $k) (i32.const 1)))
          (br_if $mloop (i32.lt_u (local.get $k) (local.get $m))))
        ;; dw rows ci = cb/4 + r, columns ob/4 ..
        (local.set $dwp (i32.add (i32.add (local.get $dw) (i32.mul (i32.shr_u (local.get $cb) (i32.const 2)) (local.get $coB))) (local.get $ob)))
        (v128.store (local.get $dwp) (local.get $a0))
        (v128.store offset=16 (local.get $dwp) (local.get $a1))
        (local.set $dwp (i32.add (local.get $dwp) (local.get $coB)))
        (v128.store (local.get $dwp) (local.get $a2))
        (v128.store offset=16 (local.get $dwp) (local.get $a3))
        (local.set $dwp (i32.add (local.get $dwp) (local.get $coB)))
        (v128.store (local.get $dwp) (local.get $a4))
        (v128.store offset=16 (local.get $dwp) (local.get $a5))
        (local.set $dwp (i32.add (local.get $dwp) (local.get $coB)))
        (v128.store (local.get $dwp) (local.get $a6))
        (v128.store offset=16 (local.get $dwp) (local.get $a7))
        (local.set $ob (i32.add (local.get $ob) (i32.const 32)))
        (br_if $coblk (i32.lt_u (local.get $ob) (local.get $coB))))
      (local.set $cb (i32.add (local.get $cb) (i32.const 16)))
      (br_if $ciblk (i32.lt_u (local.get $cb) (local.get $ciB)))))

  ;; Forward convolution of a one-channel image (the first layer): out[k][o] = sum over the kh x kw
  ;; window of x * w[tap][o], for each output pixel k whose window starts at byte offset rows[k] of
  ;; a zero-padded copy of x (rows rowStride bytes apart); w [kh * kw, co], co % 16 == 0, 16 output
  ;; channels per register block.
  (func (export "convOneChannel") (param $rows i32) (param $m i32) (param $w i32) (param $out i32) (param $kh i32) (param $kw i32) (param $rowStride i32) (param $co i32)
    (local $ob i32) (local $k i32) (local $p i32) (local $a i32) (local $b i32) (local $wp i32) (local $coB i32) (local $xp i32) (local $dst i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $s v128)
    (local.set $coB (i32.shl (local.get $co) (i32.const 2)))
    (loop $oblk
      (local.set $k (i32.const 0))
      (loop $pixel
        (local.set $p (i32.load (i32.add (local.get $rows) (i32.shl (local.get $k) (i32.const 2)))))
        (local.set $a0 (v128.const i32x4 0 0 0 0)) (local.set $a1 (v128.const i32x4 0 0 0 0))
        (local.set $a2 (v128.const i32x4 0 0 0 0)) (local.set $a3 (v128.const i32x4 0 0 0 0))
        (local.set $wp (i32.add (local.get $w) (local.get $ob)))
        (local.set $a (i32.const 0))
        (loop $trow
          (local.set $xp (i32.add (local.get $p) (i32.mul (local.get $a) (local.get $rowStride))))
          (local.set $b (i32.const 0))
          (loop $tcol
            (local.set $s (f32x4.splat (f32.load (i32.add (local.get $xp) (i32.shl (local.get $b) (i32.const 2))))))
            (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $s) (v128.load (local.get $wp)))))
            (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $s) (v128.load offset=16 (local.get $wp)))))
            (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $s) (v128.load offset=32 (local.get $wp)))))
            (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $s) (v128.load offset=48 (local.get $wp)))))
            (local.set $wp (i32.add (local.get $wp) (local.get $coB)))
            (local.set $b (i32.add (local.get $b) (i32.const 1)))
            (br_if $tcol (i32.lt_u (local.get $b) (local.get $kw))))
          (local.set $a (i32.add (local.get $a) (i32.const 1)))
          (br_if $trow (i32.lt_u (local.get $a) (local.get $kh))))
        (local.set $dst (i32.add (i32.add (local.get $out) (i32.mul (local.get $k) (local.get $coB))) (local.get $ob)))
        (v128.store (local.get $dst) (local.get $a0))
        (v128.store offset=16 (local.get $dst) (local.get $a1))
        (v128.store offset=32 (local.get $dst) (local.get $a2))
        (v128.store offset=48 (local.get $dst) (local.get $a3))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br_if $pixel (i32.lt_u (local.get $k) (local.get $m))))
      (local.set $ob (i32.add (local.get $ob) (i32.const 64)))
      (br_if $oblk (i32.lt_u (local.get $ob) (local.get $coB)))))

  ;; Forward convolution of 4 output pixels at once (4 images at one output position, so they see
  ;; the same filter taps) over only the taps inside the image (on a 2x2 map most of a padded 3x3
  ;; window is zeros). For images 4g .. 4g+3 of each group g < groups: xs holds T byte pointers to
  ;; image 0's x pixel under each tap (xImage bytes from one image to the next), ws the taps' [ci, co]
  ;; filter blocks, out image 0's output pixel (outImage bytes apart); ci % 4 == 0, co % 8 == 0;
  ;; 4 pixels x 8 output channels per register block.
  (func (export "convGather4") (param $xs i32) (param $ws i32) (param $T i32) (param $out i32) (param $ci i32) (param $co i32)
        (param $groups i32) (param $xImage i32) (param $outImage i32)
    (local $ob i32) (local $t i32) (local $c i32) (local $coB i32) (local $ciB i32) (local $wq i32) (local $xt i32)
    (local $p0 i32) (local $p1 i32) (local $p2 i32) (local $p3 i32) (local $g i32) (local $xoff i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $a4 v128) (local $a5 v128) (local $a6 v128) (local $a7 v128)
    (local $x0 v128) (local $x1 v128) (local $x2 v128) (local $x3 v128) (local $w0 v128) (local $w1 v128) (local $s v128)
    (local.set $coB (i32.shl (local.get $co) (i32.const 2)))
    (local.set $ciB (i32.shl (local.get $ci) (i32.const 2)))
    (loop $group
    (local.set $xoff (i32.mul (i32.shl (local.get $g) (i32.const 2)) (local.get $xImage)))
    (local.set $ob (i32.const 0))
    (loop $oblk
      (local.set $a0 (v128.const i32x4 0 0 0 0)) (local.set $a1 (v128.const i32x4 0 0 0 0))
      (local.set $a2 (v128.const i32x4 0 0 0 0)) (local.set $a3 (v128.const i32x4 0 0 0 0))
      (local.set $a4 (v128.const i32x4 0 0 0 0)) (local.set $a5 (v128.const i32x4 0 0 0 0))
      (local.set $a6 (v128.const i32x4 0 0 0 0)) (local.set $a7 (v128.const i32x4 0 0 0 0))
      (local.set $t (i32.const 0))
      (loop $tap
        (local.set $p0 (i32.add (i32.load (i32.add (local.get $xs) (i32.shl (local.get $t) (i32.const 2)))) (local.get $xoff)))
        (local.set $p1 (i32.add (local.get $p0) (local.get $xImage)))
        (local.set $p2 (i32.add (local.get $p1) (local.get $xImage)))
        (local.set $p3 (i32.add (local.get $p2) (local.get $xImage)))
        (local.set $wq (i32.add (i32.load (i32.add (local.get $ws) (i32.shl (local.get $t) (i32.const 2)))) (local.get $ob)))
        (local.set $c (i32.const 0))
        (loop $cgroup
          (local.set $x0 (v128.load (i32.add (local.get $p0) (local.get $c))))
          (local.set $x1 (v128.load (i32.add (local.get $p1) (local.get $c))))
          (local.set $x2 (v128.load (i32.add (local.get $p2) (local.get $c))))
          (local.set $x3 (v128.load (i32.add (local.get $p3) (local.get $c))))
              (local.set $w0 (v128.load (local.get $wq))) (local.set $w1 (v128.load offset=16 (local.get $wq)))
              (local.set $s (i8x16.shuffle 0 1 2 3 0 1 2 3 0 1 2 3 0 1 2 3 (local.get $x0) (local.get $x0)))
              (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $s) (local.get $w0))))
              (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $s) (local.get $w1))))
              (local.set $s (i8x16.shuffle 0 1 2 3 0 1 2 3 0 1 2 3 0 1 2 3 (local.get $x1) (local.get $x1)))
              (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $s) (local.get $w0))))
              (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $s) (local.get $w1))))
              (local.set $s (i8x16.shuffle 0 1 2 3 0 1 2 3 0 1 2 3 0 1 2 3 (local.get $x2) (local.get $x2)))
              (local.set $a4 (f32x4.add (local.get $a4) (f32x4.mul (local.get $s) (local.get $w0))))
              (local.set $a5 (f32x4.add (local.get $a5) (f32x4.mul (local.get $s) (local.get $w1))))
              (local.set $s (i8x16.shuffle 0 1 2 3 0 1 2 3 0 1 2 3 0 1 2 3 (local.get $x3) (local.get $x3)))
              (local.set $a6 (f32x4.add (local.get $a6) (f32x4.mul (local.get $s) (local.get $w0))))
              (local.set $a7 (f32x4.add (local.get $a7) (f32x4.mul (local.get $s) (local.get $w1))))
              (local.set $wq (i32.add (local.get $wq) (local.get $coB)))
              (local.set $w0 (v128.load (local.get $wq))) (local.set $w1 (v128.load offset=16 (local.get $wq)))
              (local.set $s (i8x16.shuffle 4 5 6 7 4 5 6 7 4 5 6 7 4 5 6 7 (local.get $x0) (local.get $x0)))
              (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $s) (local.get $w0))))
              (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $s) (local.get $w1))))
              (local.set $s (i8x16.shuffle 4 5 6 7 4 5 6 7 4 5 6 7 4 5 6 7 (local.get $x1) (local.get $x1)))
              (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $s) (local.get $w0))))
              (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $s) (local.get $w1))))
              (local.set $s (i8x16.shuffle 4 5 6 7 4 5 6 7 4 5 6 7 4 5 6 7 (local.get $x2) (local.get $x2)))
              (local.set $a4 (f32x4.add (local.get $a4) (f32x4.mul (local.get $s) (local.get $w0))))
              (local.set $a5 (f32x4.add (local.get $a5) (f32x4.mul (local.get $s) (local.get $w1))))
              (local.set $s (i8x16.shuffle 4 5 6 7 4 5 6 7 4 5 6 7 4 5 6 7 (local.get $x3) (local.get $x3)))
              (local.set $a6 (f32x4.add (local.get $a6) (f32x4.mul (local.get $s) (local.get $w0))))
              (local.set $a7 (f32x4.add (local.get $a7) (f32x4.mul (local.get $s) (local.get $w1))))
              (local.set $wq (i32.add (local.get $wq) (local.get $coB)))
              (local.set $w0 (v128.load (local.get $wq))) (local.set $w1 (v128.load offset=16 (local.get $wq)))
              (local.set $s (i8x16.shuffle 8 9 10 11 8 9 10 11 8 9 10 11 8 9 10 11 (local.get $x0) (local.get $x0)))
              (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $s) (local.get $w0))))
              (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $s) (local.get $w1))))
              (local.set $s (i8x16.shuffle 8 9 10 11 8 9 10 11 8 9 10 11 8 9 10 11 (local.get $x1) (local.get $x1)))
              (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $s) (local.get $w0))))
              (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $s) (local.get $w1))))
              (local.set $s (i8x16.shuffle 8 9 10 11 8 9 10 11 8 9 10 11 8 9 10 11 (local.get $x2) (local.get $x2)))
              (local.set $a4 (f32x4.add (local.get $a4) (f32x4.mul (local.get $s) (local.get $w0))))
              (local.set $a5 (f32x4.add (local.get $a5) (f32x4.mul (local.get $s) (local.get $w1))))
              (local.set $s (i8x16.shuffle 8 9 10 11 8 9 10 11 8 9 10 11 8 9 10 11 (local.get $x3) (local.get $x3)))
              (local.set $a6 (f32x4.add (local.get $a6) (f32x4.mul (local.get $s) (local.get $w0))))
              (local.set $a7 (f32x4.add (local.get $a7) (f32x4.mul (local.get $s) (local.get $w1))))
              (local.set $wq (i32.add (local.get $wq) (local.get $coB)))
              (local.set $w0 (v128.load (local.get $wq))) (local.set $w1 (v128.load offset=16 (local.get $wq)))
              (local.set $s (i8x16.shuffle 12 13 14 15 12 13 14 15 12 13 14 15 12 13 14 15 (local.get $x0) (local.get $x0)))
              (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $s) (local.get $w0))))
              (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $s) (local.get $w1))))
              (local.set $s (i8x16.shuffle 12 13 14 15 12 13 14 15 12 13 14 15 12 13 14 15 (local.get $x1) (local.get $x1)))
              (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $s) (local.get $w0))))
              (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $s) (local.get $w1))))
              (local.set $s (i8x16.shuffle 12 13 14 15 12 13 14 15 12 13 14 15 12 13 14 15 (local.get $x2) (local.get $x2)))
              (local.set $a4 (f32x4.add (local.get $a4) (f32x4.mul (local.get $s) (local.get $w0))))
              (local.set $a5 (f32x4.add (local.get $a5) (f32x4.mul (local.get $s) (local.get $w1))))
              (local.set $s (i8x16.shuffle 12 13 14 15 12 13 14 15 12 13 14 15 12 13 14 15 (local.get $x3) (local.get $x3)))
              (local.set $a6 (f32x4.add (local.get $a6) (f32x4.mul (local.get $s) (local.get $w0))))
              (local.set $a7 (f32x4.add (local.get $a7) (f32x4.mul (local.get $s) (local.get $w1))))
              (local.set $wq (i32.add (local.get $wq) (local.get $coB)))
          (local.set $c (i32.add (local.get $c) (i32.const 16)))
          (br_if $cgroup (i32.lt_u (local.get $c) (local.get $ciB))))
        (local.set $t (i32.add (local.get $t) (i32.const 1)))
        (br_if $tap (i32.lt_u (local.get $t) (local.get $T))))
      (local.set $p0 (i32.add (i32.add (local.get $out) (i32.mul (i32.shl (local.get $g) (i32.const 2)) (local.get $outImage))) (local.get $ob)))
      (v128.store (local.get $p0) (local.get $a0)) (v128.store offset=16 (local.get $p0) (local.get $a1))
      (local.set $p0 (i32.add (local.get $p0) (local.get $outImage)))
      (v128.store (local.get $p0) (local.get $a2)) (v128.store offset=16 (local.get $p0) (local.get $a3))
      (local.set $p0 (i32.add (local.get $p0) (local.get $outImage)))
      (v128.store (local.get $p0) (local.get $a4)) (v128.store offset=16 (local.get $p0) (local.get $a5))
      (local.set $p0 (i32.add (local.get $p0) (local.get $outImage)))
      (v128.store (local.get $p0) (local.get $a6)) (v128.store offset=16 (local.get $p0) (local.get $a7))
      (local.set $ob (i32.add (local.get $ob) (i32.const 32)))
      (br_if $oblk (i32.lt_u (local.get $ob) (local.get $coB))))
    (local.set $g (i32.add (local.get $g) (i32.const 1)))
    (br_if $group (i32.lt_u (local.get $g) (local.get $groups)))))
)
