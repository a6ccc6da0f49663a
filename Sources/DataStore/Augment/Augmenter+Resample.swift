extension Augmenter {
    /// Fills `t`. For a pixel-aligned box (no DCT-scaled decode) the taps relative to the box depend
    /// only on (box length, output size), so they come from a per-worker cache, shifted by the box start.
    func taps(_ t: inout ResampleTaps, start: Double, length: Double, lo: Int, hi: Int, outSize: Int) {
        let n = Int(length)
        guard start == Double(lo), length == Double(n), hi == lo + n, n < 65536, outSize < 65536 else {
            t.compute(start: start, length: length, lo: lo, hi: hi, outSize: outSize)
            return
        }
        let key = n << 16 | outSize
        if tapCache[key] == nil {
            var c = ResampleTaps()
            c.compute(start: 0, length: length, lo: 0, hi: n, outSize: outSize)
            if tapCache.count >= 4096 { tapCache.removeAll(keepingCapacity: true) }
            tapCache[key] = c
        }
        let c = tapCache[key]!
        let o = Int32(lo)
        t.kmax = c.kmax
        t.start.removeAll(keepingCapacity: true)
        for v in c.start { t.start.append(v + o) }
        t.count.removeAll(keepingCapacity: true)
        t.count.append(contentsOf: c.count)
        t.weights.removeAll(keepingCapacity: true)
        t.weights.append(contentsOf: c.weights)
    }

    /// Antialiased bilinear crop-resize (+ flip) from uint8 HWC into planar uint8, or straight to
    /// normalised floats (`direct`: out pointer, per-channel scale and offset). Runs the vertical
    /// pass first when that is cheaper (it vectorises over whole rows).
    func resample(_ src: UnsafePointer<UInt8>, _ H: Int, _ W: Int, _ C: Int, _ p: ViewParams,
                  _ direct: (UnsafeMutablePointer<Float>, (Float, Float, Float), (Float, Float, Float))?) {
        let oh = p.outHeight, ow = p.outWidth, n = oh * ow
        let sy = Double(H) / Double(p.srcHeight), sx = Double(W) / Double(p.srcWidth)
        let y0f = Double(p.top) * sy, y1f = Double(p.top + p.height) * sy
        let x0f = Double(p.left) * sx, x1f = Double(p.left + p.width) * sx
        taps(&tapsY, start: y0f, length: y1f - y0f, lo: Int(y0f.rounded(.down)), hi: min(Int(y1f.rounded(.up)), H), outSize: oh)
        taps(&tapsX, start: x0f, length: x1f - x0f, lo: Int(x0f.rounded(.down)), hi: min(Int(x1f.rounded(.up)), W), outSize: ow)
        let y0 = Int(tapsY.start[0]), y1 = Int(tapsY.start[oh - 1] + tapsY.count[oh - 1])
        let xlo = Int(tapsX.start[0]), xhi = Int(tapsX.start[ow - 1] + tapsX.count[ow - 1])
        let kx = tapsX.kmax, ky = tapsY.kmax
        // Scalar horizontal taps cost ~4x the vectorised vertical ones.
        let costH = 4 * (y1 - y0) * ow * kx + oh * ow * ky * C
        let costV = oh * (xhi - xlo) * ky * C + 4 * oh * ow * kx
        let vFirst = costV < costH
        let rowLen = vFirst ? (xhi - xlo) * C : ow * C
        let rows = vFirst ? oh : (y1 - y0)
        if tmp.count < rows * rowLen + 1 { tmp = [Float](repeating: 0, count: rows * rowLen + 1) }
        let lineNeed = max(rowLen, ow * C) + (xhi - xlo) * C + 1
        if line.count < lineNeed { line = [Float](repeating: 0, count: lineNeed) }
        let a = direct?.1 ?? (0, 0, 0), b = direct?.2 ?? (0, 0, 0)
        if vFirst && srcF.count < (y1 - y0) * (xhi - xlo) * C { srcF = [Float](repeating: 0, count: (y1 - y0) * (xhi - xlo) * C) }

        tmp.withUnsafeMutableBufferPointer { tb in
        line.withUnsafeMutableBufferPointer { lb in
        u8.withUnsafeMutableBufferPointer { ub in
        tapsX.start.withUnsafeBufferPointer { xs in
        tapsX.count.withUnsafeBufferPointer { xc in
        tapsX.weights.withUnsafeBufferPointer { xw in
        tapsY.start.withUnsafeBufferPointer { ys in
        tapsY.count.withUnsafeBufferPointer { yc in
        tapsY.weights.withUnsafeBufferPointer { yw in
            let t = tb.baseAddress!, l = lb.baseAddress!, u = ub.baseAddress!

            /// Vertical taps for output row `oy` over `len` contiguous elements; input row y starts
            /// at `base + (y - first) * stride` (uint8 source rows or float rows).
            @inline(__always) func verticalF(_ oy: Int, _ len: Int, _ dst: UnsafeMutablePointer<Float>, _ base: UnsafePointer<Float>, _ first: Int, _ stride: Int) {
                let s = Int(ys[oy]) - first, m = Int(yc[oy])
                let w = yw.baseAddress! + oy * ky
                let r0 = base + s * stride, w0 = w[0]
                for i in 0..<len { dst[i] = w0 * r0[i] }
                if m > 1 { for k in 1..<m { let wk = w[k]; let r = r0 + k * stride; for i in 0..<len { dst[i] += wk * r[i] } } }
            }
            /// Horizontal taps over one interleaved row `r` whose element 0 is column `origin`;
            /// writes one output row planar-per-row into `dst` ([C][ow]).
            @inline(__always) func horizontal(_ r: UnsafePointer<Float>, origin: Int, into dst: UnsafeMutablePointer<Float>) {
                for ox in 0..<ow {
                    let dx = p.flipped ? ow - 1 - ox : ox
                    let s = Int(xs[ox]) - origin, m = Int(xc[ox])
                    let w = xw.baseAddress! + ox * kx
                    if C == 1 {
                        var acc: Float = 0
                        for k in 0..<m { acc += w[k] * r[s + k] }
                        dst[dx] = acc
                    } else {
                        // One 4-lane op per tap (r, g, b, and the next pixel's r, ignored); rows
                        // carry one float of padding so the last load stays in bounds.
                        var acc = SIMD4<Float>(repeating: 0)
                        var q = UnsafeRawPointer(r + s * 3)
                        for k in 0..<m {
                            acc += w[k] * q.loadUnaligned(as: SIMD4<Float>.self)
                            q += 12
                        }
                        dst[dx] = acc[0]; dst[ow + dx] = acc[1]; dst[2 * ow + dx] = acc[2]
                    }
                }
            }
            /// Rounds one planar-per-row output row to uint8 (Pillow) and stores it planar, or
            /// normalises it straight into the output.
            @inline(__always) func finishRow(_ v: UnsafePointer<Float>, _ oy: Int) {
                for c in 0..<C {
                    let sc = v + c * ow
                    if let d = direct {
                        let (ac, bc) = c == 0 ? (a.0, b.0) : (c == 1 ? (a.1, b.1) : (a.2, b.2))
                        let o = d.0 + c * n + oy * ow
                        // Round to nearest in the float domain (adding and removing 1.5 * 2^23), so the
                        // loop has no checked float-to-integer conversion and vectorises under -O.
                        for x in 0..<ow { o[x] = ((min(max(sc[x], 0), 255) + 12_582_912) - 12_582_912) * ac + bc }
                    } else {
                        let o = u + c * n + oy * ow
                        // The low mantissa bits of v + 1.5 * 2^23 are round(v) for 0 <= v < 2^22: an
                        // unchecked float-to-uint8 conversion.
                        for x in 0..<ow { o[x] = UInt8(truncatingIfNeeded: (min(max(sc[x], 0), 255) + 12_582_912).bitPattern) }
                    }
                }
            }

            if vFirst {
                // Convert the needed source region to float once, then vertical over columns
                // [xlo, xhi) into tmp rows, then horizontal per row.
                let len = (xhi - xlo) * C
                srcF.withUnsafeMutableBufferPointer { fb in
                    let f = fb.baseAddress!
                    for y in y0..<y1 {
                        let sr = src + (y * W + xlo) * C, fr = f + (y - y0) * len
                        for i in 0..<len { fr[i] = Float(Int32(sr[i])) }
                    }
                }
                for oy in 0..<oh {
                    srcF.withUnsafeBufferPointer { fb in verticalF(oy, len, t + oy * len, fb.baseAddress!, y0, len) }
                    horizontal(UnsafePointer(t + oy * len), origin: xlo, into: l)
                    finishRow(UnsafePointer(l), oy)
                }
            } else {
                let conv = l + rowLen
                for y in y0..<y1 {
                    let srow = src + (y * W + xlo) * C
                    // Convert the source row to float once, then horizontal into tmp.
                    for i in 0..<(xhi - xlo) * C { conv[i] = Float(Int32(srow[i])) }
                    horizontal(UnsafePointer(conv), origin: xlo, into: t + (y - y0) * rowLen)
                }
                for oy in 0..<oh {
                    verticalF(oy, rowLen, l, UnsafePointer(t), y0, rowLen)
                    finishRow(UnsafePointer(l), oy)
                }
            }
        }}}}}}}}}
    }
}
