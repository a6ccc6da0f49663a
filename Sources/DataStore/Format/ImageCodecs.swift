import CPNG
import CTurboJPEG

/// Facts about an encoded image read from its header.
public struct ImageHeader: Sendable, Equatable {
    /// Height in pixels.
    public var height: Int
    /// Width in pixels.
    public var width: Int
    /// Channels when decoded (1 gray, 3 RGB).
    public var channels: Int
}

/// JPEG (libjpeg-turbo) and PNG (libpng simplified API) decode and encode.
/// A `JPEGCodec` owns TurboJPEG handles; use one per thread.
public final class JPEGCodec {
    private var decoder: tjhandle?
    private var encoder: tjhandle?

    /// Creates handles lazily on first use.
    public init() {}
    deinit {
        if let d = decoder { tjDestroy(d) }
        if let e = encoder { tjDestroy(e) }
    }

    /// The header of a JPEG: size and channels (gray JPEGs decode to 1 channel, others to RGB).
    public func header(_ data: UnsafeRawBufferPointer) throws -> ImageHeader {
        if decoder == nil { decoder = tjInitDecompress() }
        var w: Int32 = 0
        var h: Int32 = 0
        var sub: Int32 = 0
        var cs: Int32 = 0
        let base = data.baseAddress?.assumingMemoryBound(to: UInt8.self)
        if data.count < 4 || tjDecompressHeader3(decoder, base, UInt(data.count), &w, &h, &sub, &cs) != 0 {
            throw StoreError.invalidArgument("JPEG header: \(lastError(decoder))")
        }
        return ImageHeader(height: Int(h), width: Int(w), channels: cs == Int32(TJCS_GRAY.rawValue) ? 1 : 3)
    }

    /// The output size when decoding with DCT scaling by num/denom.
    public static func scaled(_ size: Int, num: Int, denom: Int) -> Int { (size * num + denom - 1) / denom }

    /// Decodes into `dst` (HWC uint8, `channels` 1 or 3) at full size, or scaled by num/denom
    /// (1/1, 1/2, 1/4, 1/8); warnings are errors (truncated data never yields pixels).
    /// `fastUpsample` uses libjpeg-turbo's nearest-neighbour chroma upsampling (TJFLAG_FASTUPSAMPLE).
    public func decode(
        _ data: UnsafeRawBufferPointer, into dst: UnsafeMutablePointer<UInt8>, width: Int, height: Int,
        channels: Int, fast: Bool = true, fastUpsample: Bool = false
    ) throws {
        if decoder == nil { decoder = tjInitDecompress() }
        let pf: TJPF = channels == 1 ? TJPF_GRAY : TJPF_RGB
        var flags = TJFLAG_STOPONWARNING
        if fast { flags |= TJFLAG_FASTDCT }
        if fastUpsample { flags |= TJFLAG_FASTUPSAMPLE }
        let base = data.baseAddress?.assumingMemoryBound(to: UInt8.self)
        let r = tjDecompress2(
            decoder, base, UInt(data.count), dst, Int32(width), 0, Int32(height),
            Int32(pf.rawValue), Int32(flags))
        if r != 0 { throw StoreError.invalidArgument("JPEG decode: \(lastError(decoder))") }
    }

    /// Encodes HWC uint8 pixels (1 or 3 channels) as a baseline JPEG (4:2:0 for colour).
    public func encode(_ pixels: UnsafePointer<UInt8>, width: Int, height: Int, channels: Int, quality: Int) throws -> [UInt8] {
        if encoder == nil { encoder = tjInitCompress() }
        var buf: UnsafeMutablePointer<UInt8>? = nil
        var size: UInt = 0
        let pf = channels == 1 ? TJPF_GRAY : TJPF_RGB
        let sub = channels == 1 ? TJSAMP_GRAY : TJSAMP_420
        let r = tjCompress2(
            encoder, pixels, Int32(width), 0, Int32(height), Int32(pf.rawValue), &buf, &size,
            Int32(sub.rawValue), Int32(quality), 0)
        defer { if let b = buf { tjFree(b) } }
        guard r == 0, let b = buf else { throw StoreError.invalidArgument("JPEG encode: \(lastError(encoder))") }
        return Array(UnsafeBufferPointer(start: b, count: Int(size)))
    }

    private func lastError(_ h: tjhandle?) -> String {
        guard let msg = tjGetErrorStr2(h) else { return "unknown error" }
        return String(cString: msg)
    }
}

/// PNG decode/encode with libpng's simplified API (8-bit gray or RGB output).
public enum PNGCodec {
    /// The header of a PNG (channels: 1 for gray formats, else 3; alpha is dropped on decode).
    public static func header(_ data: UnsafeRawBufferPointer) throws -> ImageHeader {
        var img = png_image()
        img.version = UInt32(PNG_IMAGE_VERSION)
        guard png_image_begin_read_from_memory(&img, data.baseAddress, data.count) != 0 else {
            throw StoreError.invalidArgument("PNG header: \(message(&img))")
        }
        defer { png_image_free(&img) }
        let gray = (img.format & UInt32(PNG_FORMAT_FLAG_COLOR)) == 0
        return ImageHeader(height: Int(img.height), width: Int(img.width), channels: gray ? 1 : 3)
    }

    /// Decodes into `dst` (HWC uint8) with `channels` 1 or 3 (alpha composited on black).
    public static func decode(
        _ data: UnsafeRawBufferPointer, into dst: UnsafeMutablePointer<UInt8>, width: Int,
        height: Int, channels: Int
    ) throws {
        var img = png_image()
        img.version = UInt32(PNG_IMAGE_VERSION)
        guard png_image_begin_read_from_memory(&img, data.baseAddress, data.count) != 0 else {
            throw StoreError.invalidArgument("PNG decode: \(message(&img))")
        }
        guard Int(img.width) == width, Int(img.height) == height else {
            png_image_free(&img)
            throw StoreError.invalidArgument("PNG is \(img.width)x\(img.height), index says \(width)x\(height)")
        }
        img.format = (channels == 1 ? 0 : 2)  // PNG_FORMAT_GRAY, PNG_FORMAT_RGB (function-like macros, not imported)
        guard png_image_finish_read(&img, nil, dst, Int32(width * channels), nil) != 0 else {
            let m = message(&img)
            png_image_free(&img)
            throw StoreError.invalidArgument("PNG decode: \(m)")
        }
        if img.warning_or_error != 0 {
            throw StoreError.invalidArgument("PNG decode warning: \(message(&img))")
        }
    }

    /// Encodes HWC uint8 pixels (1 or 3 channels, `width · height · channels` of them) as PNG.
    public static func encode(_ pixels: [UInt8], width: Int, height: Int, channels: Int) throws -> [UInt8] {
        precondition(pixels.count == width * height * channels, "PNGCodec.encode: \(pixels.count) bytes for \(width)x\(height)x\(channels)")
        return try pixels.withUnsafeBufferPointer { try encode($0.baseAddress!, width: width, height: height, channels: channels) }
    }

    /// Encodes HWC uint8 pixels (1 or 3 channels) as PNG.
    public static func encode(_ pixels: UnsafePointer<UInt8>, width: Int, height: Int, channels: Int) throws -> [UInt8] {
        var img = png_image()
        img.version = UInt32(PNG_IMAGE_VERSION)
        img.width = UInt32(width)
        img.height = UInt32(height)
        img.format = (channels == 1 ? 0 : 2)  // PNG_FORMAT_GRAY, PNG_FORMAT_RGB (function-like macros, not imported)
        var size = 0
        guard png_image_write_to_memory(&img, nil, &size, 0, pixels, Int32(width * channels), nil) != 0 else {
            throw StoreError.invalidArgument("PNG encode: \(message(&img))")
        }
        var out = [UInt8](repeating: 0, count: size)
        let ok = out.withUnsafeMutableBytes { png_image_write_to_memory(&img, $0.baseAddress, &size, 0, pixels, Int32(width * channels), nil) }
        guard ok != 0 else { throw StoreError.invalidArgument("PNG encode: \(message(&img))") }
        return Array(out.prefix(size))
    }

    private static func message(_ img: inout png_image) -> String {
        Swift.withUnsafeBytes(of: &img.message) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
    }
}
