extension Augmenter {
    /// The taps of one axis, as an index into `tapTables` and the offset to add to their input
    /// indices. For a pixel-aligned box (no DCT-scaled decode) the taps relative to the box depend
    /// only on (box length, output size), so they come from a per-worker cache (offset = box start);
    /// otherwise they are computed into scratch table `scratch` with absolute indices (offset 0).
    func axisTaps(scratch: Int, start: Double, length: Double, lo: Int, hi: Int, outSize: Int) -> (table: Int, offset: Int) {
        let n = Int(length)
        guard start == Double(lo), length == Double(n), hi == lo + n, n < 65536, outSize < 65536 else {
            tapTables[scratch].compute(start: start, length: length, lo: lo, hi: hi, outSize: outSize)
            return (scratch, 0)
        }
        let key = n << 16 | outSize
        // Boxes and outputs up to 64 (32 px views) index a flat table instead of hashing.
        let small = n <= 64 && outSize <= 64 ? n * 65 + outSize : -1
        if small >= 0 {
            if smallTapIndex.isEmpty { smallTapIndex = [Int32](repeating: -1, count: 65 * 65) }
            let i = Int(smallTapIndex[small])
            if i >= 0 { return (i, lo) }
        } else if let i = tapIndex[key] {
            return (i, lo)
        }
        if tapTables.count >= 4096 {
            tapTables.removeSubrange(2...)
            tapIndex.removeAll(keepingCapacity: true)
            smallTapIndex = []
        }
        let t = ResampleTaps()
        t.compute(start: 0, length: length, lo: 0, hi: n, outSize: outSize)
        tapTables.append(t)
        if small >= 0 {
            if smallTapIndex.isEmpty { smallTapIndex = [Int32](repeating: -1, count: 65 * 65) }
            smallTapIndex[small] = Int32(tapTables.count - 1)
        } else {
            tapIndex[key] = tapTables.count - 1
        }
        return (tapTables.count - 1, lo)
    }

    /// Antialiased bilinear crop-resize (+ flip) from uint8 HWC `src` (the `window` of the possibly
    /// DCT-scaled source) into planar Float `dst` ([C][outHeight * outWidth]): each value is the
    /// Pillow uint8 rounding of the filtered value, v, written as v * a[c] + b[c] (a = 1/255, b = 0
    /// for the colour pipeline; the normalisation for views without colour ops). Runs the vertical
    /// pass first when that is cheaper (strong downscales); otherwise the vertical pass is fused with
    /// the rounding and the output write.
    func resample(
        _ src: UnsafePointer<UInt8>, _ H: Int, _ W: Int, _ C: Int, _ p: ViewParams, _ window: SourceWindow,
        into dst: UnsafeMutablePointer<Float>, scale a: SIMD4<Float>, offset b: SIMD4<Float>
    ) throws {
        let oh = p.outHeight
        let ow = p.outWidth
        let n = oh * ow
        let fh = window.fullHeight
        let fw = window.fullWidth
        let sy = Double(fh) / Double(p.srcHeight)
        let sx = Double(fw) / Double(p.srcWidth)
        let y0f = Double(p.top) * sy
        let y1f = Double(p.top + p.height) * sy
        let x0f = Double(p.left) * sx
        let x1f = Double(p.left + p.width) * sx
        let (ty, ofy) = axisTaps(
            scratch: 0, start: y0f, length: y1f - y0f, lo: Int(y0f.rounded(.down)), hi: min(Int(y1f.rounded(.up)), fh), outSize: oh)
        let (tx, ofx) = axisTaps(
            scratch: 1, start: x0f, length: x1f - x0f, lo: Int(x0f.rounded(.down)), hi: min(Int(x1f.rounded(.up)), fw), outSize: ow)
        let tapsY = tapTables[ty]
        let tapsX = tapTables[tx]
        // Input indices of the taps relative to the window.
        let offY = ofy - window.top
        let offX = ofx - window.left
        let y0 = tapsY.minStart + offY
        let y1 = tapsY.maxEnd + offY
        let xlo = tapsX.minStart + offX
        let xhi = tapsX.maxEnd + offX
        guard y0 >= 0, y1 <= H, xlo >= 0, xhi <= W else {
            throw StoreError.invalidArgument(
                "source window \(H)x\(W) at (\(window.top), \(window.left)) does not cover rows \(y0 + window.top)..<\(y1 + window.top), columns \(xlo + window.left)..<\(xhi + window.left)"
            )
        }
        let kx = tapsX.kmax
        let ky = tapsY.kmax
        let mx = tapsX.mmax
        let my = tapsY.mmax
        // Horizontal taps (one SIMD4 op per tap and pixel) cost ~4x the vectorised vertical ones.
        let costH = 4 * (y1 - y0) * ow * kx + oh * ow * ky * C
        let costV = oh * (xhi - xlo) * ky * C + 4 * oh * ow * kx
        let vFirst = costV < costH
        let at = (y0 * W + xlo) * C
        if resampleKernel(
            src + at, stride: W * C, readable: H * W * C - at, channels: C, tapsY: tapsY, tapsX: tapsX, flipped: p.flipped,
            verticalFirst: vFirst, into: dst, scale: a, offset: b)
        {
            return
        }
        let len = (xhi - xlo) * C
        // Rows are padded so that the fixed `mx`/`my`-tap loops (zero weights past each output's
        // count) and the 4-lane RGB loads stay in bounds; padding only ever meets zero weights.
        let pad = (kx + 2) * C + 8
        if vFirst {
            if srcF.count < (y1 - y0) * len + 8 { srcF = [Float](repeating: 0, count: (y1 - y0) * len + 8) }
            if tmp.count < len + pad { tmp = [Float](repeating: 0, count: len + pad) }
        } else {
            if tmp.count < (y1 - y0 + ky) * ow * C { tmp = [Float](repeating: 0, count: (y1 - y0 + ky) * ow * C) }
            if srcF.count < len + pad { srcF = [Float](repeating: 0, count: len + pad) }
        }
        if line.count < ow * C { line = [Float](repeating: 0, count: ow * C) }
        let flipped = p.flipped

        tmp.withUnsafeMutableBufferPointer { tb in
            srcF.withUnsafeMutableBufferPointer { fb in
                line.withUnsafeMutableBufferPointer { lb in
                    tapsX.start.withUnsafeBufferPointer { xs in
                        tapsX.weights.withUnsafeBufferPointer { xw in
                            tapsX.weights4.withUnsafeBufferPointer { xw4 in
                                tapsY.start.withUnsafeBufferPointer { ys in
                                    tapsY.count.withUnsafeBufferPointer { yc in
                                        tapsY.weights.withUnsafeBufferPointer { yw in
                                            let t = tb.baseAddress!
                                            let f = fb.baseAddress!
                                            let l = lb.baseAddress!

                                            @inline(__always) func horizontal(_ r: UnsafePointer<Float>, into d: UnsafeMutablePointer<Float>) {
                                                Augmenter.horizontal(
                                                    r, channels: C, start: xs.baseAddress!, offset: offX - xlo, weights: xw.baseAddress!,
                                                    weights4: xw4.baseAddress!, kmax: kx,
                                                    taps: mx, count: ow, flipped: flipped, into: d)
                                            }
                                            /// Source row y (window coordinates), columns [xlo, xhi), as floats.
                                            @inline(__always) func convert(_ y: Int, into d: UnsafeMutablePointer<Float>) {
                                                let at = (y * W + xlo) * C
                                                Augmenter.convert(src + at, count: len, readable: H * W * C - at, into: d)
                                            }

                                            if vFirst {
                                                for y in y0..<y1 { convert(y, into: f + (y - y0) * len) }
                                                for oy in 0..<oh {
                                                    let s = Int(ys[oy]) + offY - y0
                                                    let m = Int(yc[oy])
                                                    let w = yw.baseAddress! + oy * ky
                                                    let r0 = f + s * len
                                                    let w0 = w[0]
                                                    for i in 0..<len { t[i] = w0 * r0[i] }
                                                    if m > 1 {
                                                        for k in 1..<m {
                                                            let wk = w[k]
                                                            let r = r0 + k * len
                                                            for i in 0..<len { t[i] += wk * r[i] }
                                                        }
                                                    }
                                                    horizontal(UnsafePointer(t), into: l)
                                                    for c in 0..<C {
                                                        Augmenter.finish(
                                                            UnsafePointer(l + c * ow), count: ow, a[c], b[c], into: dst + c * n + oy * ow)
                                                    }
                                                }
                                            } else {
                                                let rowLen = ow * C
                                                for y in y0..<y1 {
                                                    convert(y, into: f)
                                                    horizontal(UnsafePointer(f), into: t + (y - y0) * rowLen)
                                                }
                                                for oy in 0..<oh {
                                                    let r0 = UnsafePointer(t + (Int(ys[oy]) + offY - y0) * rowLen)
                                                    let w = yw.baseAddress! + oy * ky
                                                    for c in 0..<C {
                                                        Augmenter.verticalFinish(
                                                            r0 + c * ow, stride: rowLen, taps: my, weights: w, count: ow, a[c], b[c],
                                                            scratch: l, into: dst + c * n + oy * ow)
                                                    }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Horizontal taps over one interleaved float row `r` ([x][C]): output x reads `taps` inputs
    /// from column `start[x] + offset` with weights `weights[x * kmax ..]` (zero past its own count)
    /// and is written planar-per-row into `d` ([C][count]), mirrored when `flipped`. RGB rows take
    /// one 4-lane op per tap (r, g, b and the next pixel's r, ignored; rows carry padding).
    static func horizontal(
        _ r: UnsafePointer<Float>, channels C: Int, start xs: UnsafePointer<Int32>, offset: Int,
        weights: UnsafePointer<Float>, weights4: UnsafePointer<SIMD4<Float>>, kmax: Int, taps m: Int,
        count ow: Int, flipped: Bool,
        into d: UnsafeMutablePointer<Float>
    ) {
        if C == 1 {
            let step = flipped ? -1 : 1
            var dx = flipped ? ow - 1 : 0
            for ox in 0..<ow {
                let q = r + (Int(xs[ox]) &+ offset)
                let w = weights + ox &* kmax
                var acc = w[0] * q[0]
                for k in 1..<max(m, 1) { acc += w[k] * q[k] }
                d[dx] = acc
                dx &+= step
            }
            return
        }
        // RGB: four output pixels at a time, each one 4-lane op per tap, transposed into planar
        // R, G, B quads (per-pixel lane extraction makes LLVM scalarise the taps).
        let g = d + ow
        let b = d + 2 * ow
        @inline(__always) func pixel(_ ox: Int, _ taps: Int) -> SIMD4<Float> {
            let q = UnsafeRawPointer(r + (Int(xs[ox]) &+ offset) &* 3)
            let w = weights4 + ox &* kmax
            var acc = w[0] * q.loadUnaligned(as: SIMD4<Float>.self)
            if taps == 2 {
                acc += w[1] * q.loadUnaligned(fromByteOffset: 12, as: SIMD4<Float>.self)
            } else if taps > 2 {
                for k in 1..<taps { acc += w[k] * q.loadUnaligned(fromByteOffset: 12 &* k, as: SIMD4<Float>.self) }
            }
            return acc
        }
        @inline(__always) func row(_ taps: Int) {
            var ox = 0
            while ox &+ 4 <= ow {
                let p0 = pixel(ox, taps)
                let p1 = pixel(ox &+ 1, taps)
                let p2 = pixel(ox &+ 2, taps)
                let p3 = pixel(ox &+ 3, taps)
                let o = flipped ? ow &- 4 &- ox : ox
                if flipped {
                    UnsafeMutableRawPointer(d + o).storeBytes(of: SIMD4(p3[0], p2[0], p1[0], p0[0]), as: SIMD4<Float>.self)
                    UnsafeMutableRawPointer(g + o).storeBytes(of: SIMD4(p3[1], p2[1], p1[1], p0[1]), as: SIMD4<Float>.self)
                    UnsafeMutableRawPointer(b + o).storeBytes(of: SIMD4(p3[2], p2[2], p1[2], p0[2]), as: SIMD4<Float>.self)
                } else {
                    UnsafeMutableRawPointer(d + o).storeBytes(of: SIMD4(p0[0], p1[0], p2[0], p3[0]), as: SIMD4<Float>.self)
                    UnsafeMutableRawPointer(g + o).storeBytes(of: SIMD4(p0[1], p1[1], p2[1], p3[1]), as: SIMD4<Float>.self)
                    UnsafeMutableRawPointer(b + o).storeBytes(of: SIMD4(p0[2], p1[2], p2[2], p3[2]), as: SIMD4<Float>.self)
                }
                ox &+= 4
            }
            while ox < ow {
                let acc = pixel(ox, taps)
                let o = flipped ? ow &- 1 &- ox : ox
                d[o] = acc[0]
                g[o] = acc[1]
                b[o] = acc[2]
                ox &+= 1
            }
        }
        // One specialised loop per tap count (the common upscaling case has at most 2).
        switch m {
        case ...1: row(1)
        case 2: row(2)
        default: row(m)
        }
    }

    /// uint8 -> Float for `count` values, 8 at a time (the vectoriser does not widen bytes). When
    /// `readable` source bytes allow, the last group of 8 runs past `count` instead of a scalar
    /// tail: up to 7 extra floats land in `d`, which callers size for them.
    static func convert(_ s: UnsafePointer<UInt8>, count: Int, readable: Int, into d: UnsafeMutablePointer<Float>) {
        var i = 0
        let sr = UnsafeRawPointer(s)
        let dr = UnsafeMutableRawPointer(d)
        let vectors = readable >= (count + 7) & ~7 ? count + 7 : count
        while i &+ 8 <= vectors {
            let v = SIMD8<Float>(SIMD8<Int32>(truncatingIfNeeded: sr.loadUnaligned(fromByteOffset: i, as: SIMD8<UInt8>.self)))
            dr.storeBytes(of: v, toByteOffset: 4 &* i, as: SIMD8<Float>.self)
            i &+= 8
        }
        while i < count {
            d[i] = Float(Int32(s[i]))
            i &+= 1
        }
    }

    /// Pillow's uint8 rounding of `v` in the float domain (adding and removing 1.5 * 2^23 rounds to
    /// nearest for |v| < 2^22), then v * a + b: no checked float-to-integer conversion, so the
    /// loops vectorise under -O. No clamp to [0, 255] is needed: the triangle filter's weights are
    /// non-negative and sum to 1, so v lies in [0, 255] up to float error far below 0.5.
    @inline(__always) static func rounded(_ v: Float, _ a: Float, _ b: Float) -> Float {
        ((v + 12_582_912) - 12_582_912) * a + b
    }

    /// Rounds `count` values of `v` into `o` (see `rounded`).
    static func finish(_ v: UnsafePointer<Float>, count: Int, _ a: Float, _ b: Float, into o: UnsafeMutablePointer<Float>) {
        for x in 0..<count { o[x] = rounded(v[x], a, b) }
    }

    /// One output row of one channel: `taps` vertical taps over rows `r0 + k * stride` (weights
    /// past an output's own count are zero), rounded into `o`. Explicit 4-lane loops for up to 3
    /// taps (rows are short: the vectoriser's per-call set-up and alias checks cost more than the loop).
    static func verticalFinish(
        _ r0: UnsafePointer<Float>, stride: Int, taps m: Int, weights w: UnsafePointer<Float>, count: Int,
        _ a: Float, _ b: Float, scratch: UnsafeMutablePointer<Float>, into o: UnsafeMutablePointer<Float>
    ) {
        @inline(__always) func ld(_ p: UnsafePointer<Float>, _ x: Int) -> SIMD4<Float> {
            UnsafeRawPointer(p + x).loadUnaligned(as: SIMD4<Float>.self)
        }
        @inline(__always) func st(_ v: SIMD4<Float>, _ x: Int) {
            UnsafeMutableRawPointer(o + x).storeBytes(of: ((v + 12_582_912) - 12_582_912) * a + b, as: SIMD4<Float>.self)
        }
        let w0 = w[0]
        let n4 = count & ~3
        var x = 0
        switch m {
        case ...1:
            while x < n4 {
                st(w0 * ld(r0, x), x)
                x &+= 4
            }
            while x < count {
                o[x] = rounded(w0 * r0[x], a, b)
                x &+= 1
            }
        case 2:
            let w1 = w[1]
            let r1 = r0 + stride
            while x < n4 {
                st(w0 * ld(r0, x) + w1 * ld(r1, x), x)
                x &+= 4
            }
            while x < count {
                o[x] = rounded(w0 * r0[x] + w1 * r1[x], a, b)
                x &+= 1
            }
        case 3:
            let w1 = w[1]
            let w2 = w[2]
            let r1 = r0 + stride
            let r2 = r0 + 2 * stride
            while x < n4 {
                st(w0 * ld(r0, x) + w1 * ld(r1, x) + w2 * ld(r2, x), x)
                x &+= 4
            }
            while x < count {
                o[x] = rounded(w0 * r0[x] + w1 * r1[x] + w2 * r2[x], a, b)
                x &+= 1
            }
        default:
            for x in 0..<count { scratch[x] = w0 * r0[x] }
            for k in 1..<m {
                let wk = w[k]
                let r = r0 + k * stride
                for x in 0..<count { scratch[x] += wk * r[x] }
            }
            finish(UnsafePointer(scratch), count: count, a, b, into: o)
        }
    }
}
