;; 128-bit SIMD loops of the group normalisation kernels (kernels/group-norm.ts), run on the
;; tfjs-backend-wasm heap itself (the memory is imported). Every pointer is a byte offset; one call
;; covers one sample: s pixels of c channels (c % 4 == 0), per-channel parameters as f32 arrays.
;; Rebuild group-norm-simd.ts after an edit: node src-main/model/kernels/build-simd.ts (needs wabt).
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
)
