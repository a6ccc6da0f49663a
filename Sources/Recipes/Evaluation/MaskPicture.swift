import DataStore

/// The dense probe's pictures: input | truth | prediction side by side (RGB PNG, 2 px white gaps).
public enum MaskPicture {
    /// A colour per class: black background, then ten distinct colours (tab10), repeated beyond.
    static let palette: [[UInt8]] = [
        [0, 0, 0], [31, 119, 180], [255, 127, 14], [44, 160, 44], [214, 39, 40], [148, 103, 189],
        [140, 86, 75], [227, 119, 194], [127, 127, 127], [188, 189, 34], [23, 190, 207],
    ]

    /// The PNG bytes of `input` (grayscale), `truth` and `prediction` (class ids), each `height × width`.
    public static func png(input: [UInt8], truth: [UInt8], prediction: [UInt8], height: Int, width: Int, classCount: Int) throws -> [UInt8] {
        let gap = 2
        let total = 3 * width + 2 * gap
        var rgb = [UInt8](repeating: 255, count: height * total * 3)
        for y in 0..<height {
            for x in 0..<width {
                let p = y * width + x
                let panels: [[UInt8]] = [
                    [input[p], input[p], input[p]],
                    palette[Int(truth[p]) % palette.count], palette[Int(prediction[p]) % palette.count],
                ]
                for (k, colour) in panels.enumerated() {
                    let o = (y * total + k * (width + gap) + x) * 3
                    rgb[o] = colour[0]
                    rgb[o + 1] = colour[1]
                    rgb[o + 2] = colour[2]
                }
            }
        }
        return try PNGCodec.encode(rgb, width: total, height: height, channels: 3)
    }

    /// The PNG bytes of a grid: one row per `(input, labels)` pair (grayscale image | coloured label
    /// map), each `height × width`, rows and panels 2 px apart (a store's mosaics at a glance).
    public static func grid(_ rows: [(input: [UInt8], labels: [UInt8])], height: Int, width: Int) throws -> [UInt8] {
        let gap = 2
        let total = 2 * width + gap
        let tall = rows.count * height + (rows.count - 1) * gap
        var rgb = [UInt8](repeating: 255, count: max(tall, 1) * total * 3)
        for (k, row) in rows.enumerated() {
            for y in 0..<height {
                for x in 0..<width {
                    let p = y * width + x
                    let top = k * (height + gap) + y
                    let panels: [[UInt8]] = [[row.input[p], row.input[p], row.input[p]], palette[Int(row.labels[p]) % palette.count]]
                    for (j, colour) in panels.enumerated() {
                        let o = (top * total + j * (width + gap) + x) * 3
                        rgb[o] = colour[0]
                        rgb[o + 1] = colour[1]
                        rgb[o + 2] = colour[2]
                    }
                }
            }
        }
        return try PNGCodec.encode(rgb, width: total, height: max(tall, 1), channels: 3)
    }
}
