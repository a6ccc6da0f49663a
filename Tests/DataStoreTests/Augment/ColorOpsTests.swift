import DataStore
import TestSupport
import XCTest

/// Colour ops against torchvision.transforms.functional (values computed with torchvision 0.29 on
/// the same six RGB pixels, scaled by 255).
final class ColorOpsTests: XCTestCase {
    let px: [UInt8] = [255, 0, 0, 10, 200, 30, 120, 120, 120, 250, 240, 10, 0, 30, 220, 90, 10, 160]

    func run(_ set: (inout ViewParams) -> Void) throws -> [Float] {
        var p = ViewParams(srcHeight: 1, srcWidth: 6, top: 0, left: 0, height: 1, width: 6, flipped: false, outHeight: 1, outWidth: 6)
        p.jittered = true
        set(&p)
        var out = [Float](repeating: 0, count: 18)
        try px.withUnsafeBufferPointer { s in
            try out.withUnsafeMutableBufferPointer { o in
                try Augmenter().render(
                    src: s.baseAddress!, height: 1, width: 6, channels: 3, params: p, mean: [0], std: [1 / 255.0], into: o.baseAddress!)
            }
        }
        // CHW -> HWC for comparison.
        return (0..<18).map { out[($0 % 3) * 6 + $0 / 3] }
    }

    func check(_ got: [Float], _ want: [Float], file: StaticString = #filePath, line: UInt = #line) {
        assertClose(got, want, atol: 0.05, rtol: 0, file: file, line: line)
    }

    func testMatchesTorchvision() throws {
        check(
            try run { $0.hue = 0.23 },
            [158.1, 255.0, 0.0, 10.0, 107.8, 200.0, 120.0, 120.0, 120.0, 10.0, 250.0, 91.2, 220.0, 0.0, 166.4, 160.0, 10.0, 23.0])
        check(
            try run { $0.hue = -0.41 },
            [0.0, 117.3, 255.0, 200.0, 10.0, 77.4, 120.0, 120.0, 120.0, 129.6, 10.0, 250.0, 131.2, 220.0, 0.0, 10.0, 160.0, 21.0])
        check(
            try run { $0.saturation = 1.7 },
            [255.0, 0.0, 0.0, 0.0, 253.334, 0.0, 120.008, 120.008, 120.008, 255.0, 255.0, 0.0, 0.0, 21.117, 255.0, 117.292, 0.0, 236.292])
        check(
            try run { $0.contrast = 0.6 },
            [
                195.031, 42.031, 42.031, 48.031, 162.031, 60.031, 114.031, 114.031, 114.031, 192.031, 186.031, 48.031, 42.031, 60.031, 174.031,
                96.031, 48.031, 138.031,
            ])
        // brightness 1.3 -> contrast 0.7 -> saturation 0.5 -> hue 0.1 (order code 0x3210).
        check(
            try run {
                $0.brightness = 1.3
                $0.contrast = 0.7
                $0.saturation = 0.5
                $0.hue = 0.1
                $0.jitterOrder = 0x3210
            },
            [
                152.719, 117.019, 63.469, 96.648, 181.348, 156.568, 145.987, 145.987, 145.987, 154.808, 205.628, 120.928, 94.879, 54.979, 144.229,
                132.802, 64.552, 123.702,
            ])
    }

    /// torchvision F.gaussian_blur(kernel 5, sigma 0.8, reflect padding) on a 5x6 gray image.
    func testBlurMatchesTorchvision() throws {
        let img: [UInt8] = (0..<30).map { i in
            let x = i % 6
            let y = i / 6
            return UInt8((x * 37 + y * 11 + (x * y) % 13) % 256)
        }
        var p = ViewParams(srcHeight: 5, srcWidth: 6, top: 0, left: 0, height: 5, width: 6, flipped: false, outHeight: 5, outWidth: 6)
        p.blurSigma = 0.8
        p.blurKernel = 5
        var out = [Float](repeating: 0, count: 30)
        try img.withUnsafeBufferPointer { s in
            try out.withUnsafeMutableBufferPointer { o in
                try Augmenter().render(
                    src: s.baseAddress!, height: 5, width: 6, channels: 1, params: p, mean: [0], std: [1 / 255.0], into: o.baseAddress!)
            }
        }
        check(
            out,
            [
                26.444, 45.184, 81.082, 118.626, 154.524, 173.264, 32.207, 51.195, 87.57, 125.608, 161.924, 180.835, 43.245, 62.711,
                99.994, 138.863, 175.397, 194.0, 54.283, 74.226, 112.365, 151.493, 186.815, 204.311, 60.046, 80.237, 118.776,
                157.618, 191.833, 209.077,
            ])
    }
}
