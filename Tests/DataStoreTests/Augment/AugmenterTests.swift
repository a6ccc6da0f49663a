import DataStore
import Support
import TestSupport
import XCTest

final class AugmenterTests: XCTestCase {
    let img: [UInt8] = (0..<64).map { i in
        let x = i % 8
        let y = i / 8
        return UInt8((x * 37 + y * 11 + (x * y) % 13) % 256)
    }

    func render(_ src: [UInt8], h: Int, w: Int, c: Int, _ p: ViewParams) throws -> [Float] {
        var out = [Float](repeating: 0, count: c * p.outHeight * p.outWidth)
        try src.withUnsafeBufferPointer { s in
            try out.withUnsafeMutableBufferPointer { o in
                try Augmenter().render(
                    src: s.baseAddress!, height: h, width: w, channels: c, params: p, mean: [0], std: [1 / 255.0], into: o.baseAddress!)
            }
        }
        return out
    }

    /// Reference values from torch.nn.functional.interpolate(mode='bilinear', antialias=True) on the crop.
    func testResizeMatchesTorchAntialiasedBilinear() throws {
        let down: [Float] = [105.964, 151.131, 195.214, 129.893, 129.219, 173.219, 214.781, 66.781, 150.5, 190.702, 235.702, 86.536]
        let p = ViewParams(srcHeight: 8, srcWidth: 8, top: 1, left: 2, height: 6, width: 5, flipped: false, outHeight: 3, outWidth: 4)
        let got = try render(img, h: 8, w: 8, c: 1, p)
        assertClose(got, down, atol: 0.51, rtol: 0)
        let up: [Float] = [87.0, 108.714, 135.857, 163.0, 190.143, 217.286, 239.0, 93.5, 115.5, 143.0, 170.5, 198.0, 170.643, 119.5]
        let pu = ViewParams(srcHeight: 8, srcWidth: 8, top: 1, left: 2, height: 6, width: 5, flipped: false, outHeight: 9, outWidth: 7)
        let gotUp = try render(img, h: 8, w: 8, c: 1, pu)
        XCTAssertEqual(gotUp.count, 9 * 7)
        assertClose(Array(gotUp.prefix(14)), up, atol: 0.51, rtol: 0, "first two rows")
    }

    /// Strong downscales run the vertical pass first; same torch reference semantics.
    func testStrongDownscaleMatchesTorch() throws {
        let big: [UInt8] = (0..<1600).map { i in
            let x = i % 40
            let y = i / 40
            return UInt8((x * 37 + y * 11 + (x * y) % 13) % 256)
        }
        let want: [Float] = [
            121.338, 126.697, 130.546, 118.821, 133.04, 125.536, 128.666, 128.189, 125.289, 125.338, 125.864, 129.268, 123.465, 130.414, 128.004,
            123.522,
        ]
        let p = ViewParams(srcHeight: 40, srcWidth: 40, top: 3, left: 5, height: 32, width: 32, flipped: false, outHeight: 4, outWidth: 4)
        assertClose(try render(big, h: 40, w: 40, c: 1, p), want, atol: 0.51, rtol: 0)
        let want2: [Float] = [
            120.499, 127.224, 124.916, 122.023, 123.041, 134.641, 137.469, 126.107, 136.836, 130.997, 124.769, 126.855, 122.349, 125.138, 118.686,
            124.938, 129.628, 122.463, 122.077, 129.679, 136.175,
        ]
        let p2 = ViewParams(srcHeight: 40, srcWidth: 40, top: 3, left: 5, height: 32, width: 20, flipped: false, outHeight: 7, outWidth: 3)
        assertClose(try render(big, h: 40, w: 40, c: 1, p2), want2, atol: 0.51, rtol: 0)
    }

    func testIdentityAndFlip() throws {
        var p = ViewParams(srcHeight: 8, srcWidth: 8, top: 0, left: 0, height: 8, width: 8, flipped: false, outHeight: 8, outWidth: 8)
        assertClose(try render(img, h: 8, w: 8, c: 1, p), img.map(Float.init), atol: 1e-3, rtol: 0)
        p.flipped = true
        let f = try render(img, h: 8, w: 8, c: 1, p)
        for y in 0..<8 { for x in 0..<8 { XCTAssertEqual(f[y * 8 + x], Float(img[y * 8 + 7 - x]), accuracy: 1e-3) } }
        XCTAssertEqual(p.normalizedBox.x0, 1)
        XCTAssertEqual(p.normalizedBox.x1, 0)
    }

    func testPadCropZeroFills() throws {
        let p = ViewParams(
            srcHeight: 8, srcWidth: 8, top: -2, left: 3, height: 8, width: 8, flipped: false, outHeight: 8, outWidth: 8, resampled: false)
        let o = try render(img, h: 8, w: 8, c: 1, p)
        XCTAssertEqual(o[0], 0)  // padded row
        XCTAssertEqual(o[2 * 8 + 0], Float(img[0 * 8 + 3]))  // source row 0, col 3
        XCTAssertEqual(o[2 * 8 + 5], 0)  // col 8 is padding
    }

    func testColourOps() throws {
        let red: [UInt8] = [255, 0, 0, 255, 0, 0]
        var p = ViewParams(srcHeight: 1, srcWidth: 2, top: 0, left: 0, height: 1, width: 2, flipped: false, outHeight: 1, outWidth: 2)
        p.jittered = true
        p.hue = 1.0 / 3.0
        var o = try render(red, h: 1, w: 2, c: 3, p)
        XCTAssertEqual(o[0], 0, accuracy: 1e-3)
        XCTAssertEqual(o[2], 255, accuracy: 1e-2)
        XCTAssertEqual(o[4], 0, accuracy: 1e-3)
        p.hue = 0
        p.saturation = 0
        o = try render(red, h: 1, w: 2, c: 3, p)
        XCTAssertEqual(o[0], 0.2989 * 255, accuracy: 1e-2)
        XCTAssertEqual(o[2], 0.2989 * 255, accuracy: 1e-2)
        p.saturation = 1
        p.brightness = 0.5
        o = try render(red, h: 1, w: 2, c: 3, p)
        XCTAssertEqual(o[0], 127.5, accuracy: 1e-3)
        // contrast 0 gives the gray mean everywhere (LUT path)
        p.brightness = 1
        p.contrast = 0
        o = try render(
            img, h: 8, w: 8, c: 1,
            ViewParams(srcHeight: 8, srcWidth: 8, top: 0, left: 0, height: 8, width: 8, flipped: false, outHeight: 8, outWidth: 8).with {
                $0.jittered = true
                $0.contrast = 0
            })
        let m = Float(img.map(Int.init).reduce(0, +)) / 64
        XCTAssertEqual(o[5], m, accuracy: 1e-3)
        // solarize
        var s = ViewParams(srcHeight: 8, srcWidth: 8, top: 0, left: 0, height: 8, width: 8, flipped: false, outHeight: 8, outWidth: 8)
        s.solarized = true
        o = try render(img, h: 8, w: 8, c: 1, s)
        assertClose(o, img.map { $0 >= 128 ? 255 - Float($0) : Float($0) }, atol: 1e-3, rtol: 0)
        // blur keeps a constant image constant; grayscale gives equal channels
        var g = ViewParams(srcHeight: 1, srcWidth: 2, top: 0, left: 0, height: 1, width: 2, flipped: false, outHeight: 1, outWidth: 2)
        g.grayscale = true
        g.blurSigma = 1
        g.blurKernel = 3
        o = try render([10, 200, 30, 10, 200, 30], h: 1, w: 2, c: 3, g)
        XCTAssertEqual(o[0], o[2], accuracy: 1e-3)
        XCTAssertEqual(o[0], o[4], accuracy: 1e-3)
    }

    func testRandomResizedCropSampling() {
        var rng = Philox(seed: 1)
        for _ in 0..<500 {
            let (i, j, h, w) = ViewSpec.randomResizedCropBox(&rng, height: 28, width: 40, scale: 0.08...1, ratio: 0.75...(4.0 / 3.0))
            XCTAssertTrue(i >= 0 && j >= 0 && i + h <= 28 && j + w <= 40 && h > 0 && w > 0)
        }
        // Impossible ranges use torchvision's fallback: central crop clamped to the ratio range.
        let f = ViewSpec.randomResizedCropBox(&rng, height: 10, width: 40, scale: 2...3, ratio: 0.5...2)
        XCTAssertEqual(f.0, 0)
        XCTAssertEqual(f.2, 10)
        XCTAssertEqual(f.3, 20)
        XCTAssertEqual(f.1, 10)
    }

    func testDrawIsDeterministic() {
        let spec = ViewSpec.ssl(size: 16, blur: 0.5, solarize: 0.2)
        let a = spec.draw(seed: 3, epoch: 1, sampleID: 42, view: 0, srcHeight: 28, srcWidth: 28)
        XCTAssertEqual(a, spec.draw(seed: 3, epoch: 1, sampleID: 42, view: 0, srcHeight: 28, srcWidth: 28))
        XCTAssertNotEqual(a, spec.draw(seed: 3, epoch: 1, sampleID: 42, view: 1, srcHeight: 28, srcWidth: 28))
        XCTAssertEqual(Set(a.jitterOps), [0, 1, 2, 3])
    }

    func testMixupAndCutmix() {
        let n = 4
        var vb = ViewBatch(pixels: (0..<(n * 16)).map { Float($0 / 16) }, shape: [n, 1, 4, 4], params: [])
        let m = BatchMix.mixup(&vb, alpha: 0.4, seed: 1, epoch: 0, step: 0)
        XCTAssertTrue(m.lambda >= 0 && m.lambda <= 1)
        let expected: Float = m.lambda
        XCTAssertEqual(vb.pixels[16], expected, accuracy: 1e-5)
        var cb = ViewBatch(pixels: (0..<(n * 16)).map { Float($0 / 16) }, shape: [n, 1, 4, 4], params: [])
        let c = BatchMix.cutmix(&cb, alpha: 1, seed: 2, epoch: 0, step: 3)
        let changed = cb.pixels[16..<32].filter { $0 == 0 }.count
        XCTAssertEqual(Float(changed), (1 - c.lambda) * 16, accuracy: 1e-4)
        XCTAssertEqual(c.partner, [3, 0, 1, 2])
    }
}

extension ViewParams {
    func with(_ f: (inout ViewParams) -> Void) -> ViewParams {
        var c = self
        f(&c)
        return c
    }
}

final class ViewDrawTests: XCTestCase {
    /// The allocation-free keyed draw equals drawing from Philox(seed:keys: [epoch, id, view]).
    func testKeyedDrawMatchesPhiloxKeys() {
        let spec = ViewSpec.ssl(size: 16, blur: 0.5, solarize: 0.2)
        for (e, id, v) in [(0, UInt64(0), 0), (3, 12345, 1), (7, 99, 5)] {
            var rng = Philox(seed: 11, keys: [UInt64(e), id, UInt64(v)])
            XCTAssertEqual(
                spec.draw(seed: 11, epoch: e, sampleID: id, view: v, srcHeight: 30, srcWidth: 40),
                spec.draw(&rng, srcHeight: 30, srcWidth: 40))
        }
    }
}
