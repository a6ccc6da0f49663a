import Foundation
import Recipes

/// An independent reader of TensorBoard event files for the tests: TFRecord framing with both
/// masked CRC-32Cs checked (CRC computed bitwise here, not with the writer's table), and a generic
/// protobuf wire-format walk of `Event` → `Summary` → `Value`. It was checked once against Python's
/// `tensorboard` package (`pip install tensorboard`, then
/// `python3 Tests/Fixtures/tensorboard/read_events.py EVENTS_FILE`), which printed the same scalars.
enum TensorBoardReader {
    struct Event: Equatable {
        var wallTime: Double
        var step: Int64
        var fileVersion: String?
        var scalars: [(tag: String, value: Float)]
        var texts: [(tag: String, value: String, plugin: String)]
        static func == (a: Event, b: Event) -> Bool {
            a.wallTime == b.wallTime && a.step == b.step && a.fileVersion == b.fileVersion
                && a.scalars.map(\.tag) == b.scalars.map(\.tag) && a.scalars.map(\.value.bitPattern) == b.scalars.map(\.value.bitPattern)
        }
    }

    struct Malformed: Error, CustomStringConvertible { var description: String }

    /// Bitwise CRC-32C (Castagnoli), masked as TFRecord does.
    static func maskedCRC(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for b in bytes {
            crc ^= UInt32(b)
            for _ in 0..<8 { crc = (crc >> 1) ^ (crc & 1 == 1 ? 0x82F6_3B78 : 0) }
        }
        crc ^= 0xFFFF_FFFF
        return ((crc >> 15) | (crc << 17)) &+ 0xA282_EAD8
    }

    static func le<T: FixedWidthInteger>(_ b: [UInt8], _ at: Int, _: T.Type) -> T {
        (0..<(T.bitWidth / 8)).reduce(T(0)) { $0 | T(b[at + $1]) << ($1 * 8) }
    }

    static func read(_ url: URL) throws -> [Event] {
        let bytes = [UInt8](try Data(contentsOf: url))
        var events: [Event] = []
        var at = 0
        while at < bytes.count {
            guard at + 12 <= bytes.count else { throw Malformed(description: "torn header at \(at)") }
            let length = Int(le(bytes, at, UInt64.self))
            guard le(bytes, at + 8, UInt32.self) == maskedCRC(bytes[at..<(at + 8)]) else { throw Malformed(description: "length CRC at \(at)") }
            let start = at + 12
            let end = start + length
            guard end + 4 <= bytes.count else { throw Malformed(description: "torn record at \(at)") }
            guard le(bytes, end, UInt32.self) == maskedCRC(bytes[start..<end]) else { throw Malformed(description: "data CRC at \(at)") }
            events.append(try event(Array(bytes[start..<end])))
            at = end + 4
        }
        return events
    }

    /// (field, wire type, varint or fixed value, length-delimited payload).
    static func fields(_ b: [UInt8]) throws -> [(field: Int, wire: Int, number: UInt64, payload: [UInt8])] {
        var out: [(Int, Int, UInt64, [UInt8])] = []
        var i = 0
        func varint() throws -> UInt64 {
            var v: UInt64 = 0
            var shift: UInt64 = 0
            while true {
                guard i < b.count else { throw Malformed(description: "truncated varint") }
                let byte = b[i]
                i += 1
                v |= UInt64(byte & 0x7F) << shift
                if byte < 0x80 { return v }
                shift += 7
            }
        }
        while i < b.count {
            let key = try varint()
            let field = Int(key >> 3)
            let wire = Int(key & 7)
            switch wire {
            case 0: out.append((field, wire, try varint(), []))
            case 1:
                out.append((field, wire, le(b, i, UInt64.self), []))
                i += 8
            case 5:
                out.append((field, wire, UInt64(le(b, i, UInt32.self)), []))
                i += 4
            case 2:
                let n = Int(try varint())
                out.append((field, wire, 0, Array(b[i..<(i + n)])))
                i += n
            default: throw Malformed(description: "wire type \(wire)")
            }
        }
        return out
    }

    static func event(_ b: [UInt8]) throws -> Event {
        var e = Event(wallTime: 0, step: 0, fileVersion: nil, scalars: [], texts: [])
        for f in try fields(b) {
            switch f.field {
            case 1: e.wallTime = Double(bitPattern: f.number)
            case 2: e.step = Int64(bitPattern: f.number)
            case 3: e.fileVersion = String(decoding: f.payload, as: UTF8.self)
            case 5:
                for v in try fields(f.payload) where v.field == 1 {
                    var tag = ""
                    var value: Float?
                    var text: String?
                    var plugin = ""
                    for x in try fields(v.payload) {
                        if x.field == 1 { tag = String(decoding: x.payload, as: UTF8.self) }
                        if x.field == 2 && x.wire == 5 { value = Float(bitPattern: UInt32(x.number)) }
                        if x.field == 8 {
                            for t in try fields(x.payload) where t.field == 8 { text = String(decoding: t.payload, as: UTF8.self) }
                        }
                        if x.field == 9 {
                            for m in try fields(x.payload) where m.field == 1 {
                                for p in try fields(m.payload) where p.field == 1 { plugin = String(decoding: p.payload, as: UTF8.self) }
                            }
                        }
                    }
                    if let value { e.scalars.append((tag, value)) }
                    if let text { e.texts.append((tag, text, plugin)) }
                }
            default: break
            }
        }
        return e
    }
}
