//! Project images and the portal's logo: what a catalog may hold, checked by content, and
//! the copy the portal publishes. Pure: the bytes come from `catalog::assets`, which reads
//! the files; the HTML export calls [`thumbnail`].
//!
//! A project image is a PNG, JPEG or WebP file. Its type is read from its first bytes (never
//! from its name), its size is checked against [`IMAGE_LIMITS`] before anything is decoded
//! (an image whose header promises 100 megapixels is refused without allocating them), and
//! decoding runs under the `image` crate's allocation limits. The portal shows a copy cropped
//! and scaled to 500 × 350 pixels, the size DIGIFARM.MS used. A logo is an SVG or a PNG; an
//! SVG is published only without scripts, event handlers or references to other files.
//!
//! ```
//! use digifarm_core::picture::{self, Kind};
//! let mut png = Vec::new();
//! image::RgbImage::from_pixel(1000, 700, image::Rgb([10, 79, 138]))
//!     .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)?;
//! let info = picture::inspect(&png, picture::PROJECT_IMAGE)?;
//! assert_eq!((info.kind, info.width, info.height), (Kind::Png, 1000, 700));
//! let thumb = picture::thumbnail(&png, picture::PROJECT_IMAGE)?;
//! assert_eq!((thumb.width, thumb.height, thumb.extension), (500, 350, "jpg"));
//! assert!(picture::inspect(b"\x7fELF\x02\x01\x01", picture::PROJECT_IMAGE).is_err());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::io::Cursor;

use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader};

use crate::diagnostic::Code;

/// An image type a catalog may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// PNG.
    Png,
    /// JPEG.
    Jpeg,
    /// WebP.
    Webp,
    /// SVG (logos only).
    Svg,
}

impl Kind {
    /// The file extension the portal writes it with.
    pub fn extension(self) -> &'static str {
        match self {
            Kind::Png => "png",
            Kind::Jpeg => "jpg",
            Kind::Webp => "webp",
            Kind::Svg => "svg",
        }
    }

    fn name(self) -> &'static str {
        match self {
            Kind::Png => "PNG",
            Kind::Jpeg => "JPEG",
            Kind::Webp => "WebP",
            Kind::Svg => "SVG",
        }
    }
}

/// What a kind of picture may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rules {
    /// The types allowed.
    pub kinds: &'static [Kind],
    /// The largest file, in bytes.
    pub max_bytes: u64,
    /// The longest side, in pixels.
    pub max_side: u32,
    /// The most pixels (width × height).
    pub max_pixels: u64,
}

/// A project image: PNG, JPEG or WebP, at most 10 MiB, 10,000 pixels a side and 40
/// megapixels (a 100-megapixel decompression bomb is refused from its header).
pub const PROJECT_IMAGE: Rules = Rules {
    kinds: &[Kind::Png, Kind::Jpeg, Kind::Webp],
    max_bytes: 10 * 1024 * 1024,
    max_side: 10_000,
    max_pixels: 40_000_000,
};

/// The portal's logo: SVG or PNG, at most 1 MiB and 4,096 pixels a side.
pub const LOGO: Rules = Rules {
    kinds: &[Kind::Svg, Kind::Png],
    max_bytes: 1024 * 1024,
    max_side: 4096,
    max_pixels: 4096 * 4096,
};

/// The size of the published copy of a project image.
pub const THUMBNAIL: (u32, u32) = (500, 350);

/// Why a picture is refused: a stable code and a message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct Problem {
    /// `image-invalid`, `image-too-large` or `image-unsafe`.
    pub code: Code,
    /// What is wrong.
    pub message: String,
}

impl Problem {
    fn new(code: Code, message: impl Into<String>) -> Problem {
        Problem {
            code,
            message: message.into(),
        }
    }
}

/// What the header of a picture says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Info {
    /// Its type, by content.
    pub kind: Kind,
    /// Width in pixels (0 for an SVG).
    pub width: u32,
    /// Height in pixels (0 for an SVG).
    pub height: u32,
}

/// The type of `bytes` by content, if it is one a catalog may hold.
pub fn sniff(bytes: &[u8]) -> Option<Kind> {
    match image::guess_format(bytes) {
        Ok(ImageFormat::Png) => Some(Kind::Png),
        Ok(ImageFormat::Jpeg) => Some(Kind::Jpeg),
        Ok(ImageFormat::WebP) => Some(Kind::Webp),
        _ if looks_like_svg(bytes) => Some(Kind::Svg),
        _ => None,
    }
}

fn looks_like_svg(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(1024)];
    let text = String::from_utf8_lossy(head);
    let t = text.trim_start_matches('\u{feff}').trim_start();
    (t.starts_with("<?xml") || t.starts_with("<svg") || t.starts_with("<!--"))
        && text.contains("<svg")
}

/// What a file that is not an allowed image looks like, for the message.
fn describe(bytes: &[u8]) -> String {
    let what = if bytes.starts_with(b"\x7fELF") {
        "an executable (ELF)"
    } else if bytes.starts_with(b"MZ") {
        "a Windows executable"
    } else if bytes.starts_with(b"#!") {
        "a script"
    } else if bytes.starts_with(b"PK\x03\x04") {
        "a ZIP archive"
    } else if bytes.starts_with(b"%PDF") {
        "a PDF document"
    } else if bytes.is_empty() {
        "empty"
    } else if let Ok(format) = image::guess_format(bytes) {
        return format!("a {format:?} image");
    } else if std::str::from_utf8(bytes).is_ok() {
        "text"
    } else {
        "of an unknown type"
    };
    what.to_owned()
}

fn names(kinds: &[Kind]) -> String {
    let names: Vec<&str> = kinds.iter().map(|k| k.name()).collect();
    match names.split_last() {
        Some((last, [])) => (*last).to_owned(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}

fn limits(rules: Rules) -> image::Limits {
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(rules.max_side);
    limits.max_image_height = Some(rules.max_side);
    // RGBA at the largest allowed size, plus the decoder's own buffers.
    limits.max_alloc = Some(rules.max_pixels * 4 + 64 * 1024 * 1024);
    limits
}

/// Checks `bytes` against `rules` by content and header, without decoding the pixels: the
/// type, the file size, and the dimensions the header declares. An SVG is checked in full
/// ([`check_svg`]).
///
/// # Errors
/// A [`Problem`] with `image-invalid`, `image-too-large` or `image-unsafe`.
pub fn inspect(bytes: &[u8], rules: Rules) -> Result<Info, Problem> {
    if bytes.len() as u64 > rules.max_bytes {
        return Err(Problem::new(
            Code::ImageTooLarge,
            format!(
                "the file has {} bytes; the limit is {}",
                bytes.len(),
                rules.max_bytes
            ),
        ));
    }
    let kind = sniff(bytes)
        .filter(|k| rules.kinds.contains(k))
        .ok_or_else(|| {
            Problem::new(
                Code::ImageInvalid,
                format!(
                    "by its content the file is {}, not a {} image",
                    describe(bytes),
                    names(rules.kinds)
                ),
            )
        })?;
    if kind == Kind::Svg {
        check_svg(bytes)?;
        return Ok(Info {
            kind,
            width: 0,
            height: 0,
        });
    }
    // The header only (no copy of the file, nothing decoded).
    let size = imagesize::blob_size(bytes)
        .map_err(|e| Problem::new(Code::ImageInvalid, format!("cannot read the header: {e}")))?;
    let (width, height) = (
        u32::try_from(size.width).unwrap_or(u32::MAX),
        u32::try_from(size.height).unwrap_or(u32::MAX),
    );
    if width == 0 || height == 0 {
        return Err(Problem::new(
            Code::ImageInvalid,
            format!("the image is {width} × {height} pixels"),
        ));
    }
    let pixels = u64::from(width) * u64::from(height);
    if width > rules.max_side || height > rules.max_side || pixels > rules.max_pixels {
        return Err(Problem::new(
            Code::ImageTooLarge,
            format!(
                "the image is {width} × {height} pixels ({:.1} megapixels); the limit is {} pixels a side and {} megapixels",
                pixels as f64 / 1e6,
                rules.max_side,
                rules.max_pixels / 1_000_000
            ),
        ));
    }
    Ok(Info {
        kind,
        width,
        height,
    })
}

fn reader(bytes: &[u8], kind: Kind) -> ImageReader<Cursor<&[u8]>> {
    let format = match kind {
        Kind::Png => ImageFormat::Png,
        Kind::Jpeg => ImageFormat::Jpeg,
        Kind::Webp | Kind::Svg => ImageFormat::WebP,
    };
    ImageReader::with_format(Cursor::new(bytes), format)
}

/// Decodes the picture's pixels under the allocation limits (after [`inspect`]), upright
/// (a JPEG's EXIF orientation applied).
///
/// # Errors
/// `image-invalid` when the data is broken, the [`inspect`] problems before that.
pub fn decode(bytes: &[u8], rules: Rules) -> Result<DynamicImage, Problem> {
    let info = inspect(bytes, rules)?;
    if info.kind == Kind::Svg {
        return Err(Problem::new(
            Code::ImageInvalid,
            "an SVG has no pixels to decode",
        ));
    }
    let broken =
        |e: image::ImageError| Problem::new(Code::ImageInvalid, format!("cannot be decoded: {e}"));
    let mut reader = reader(bytes, info.kind);
    reader.limits(limits(rules));
    let mut decoder = reader.into_decoder().map_err(broken)?;
    let orientation = decoder.orientation().map_err(broken)?;
    let mut image = DynamicImage::from_decoder(decoder).map_err(broken)?;
    image.apply_orientation(orientation);
    Ok(image)
}

/// The published copy of a project image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Thumbnail {
    /// The encoded file (shared: cloning a thumbnail does not copy it).
    pub bytes: bytes::Bytes,
    /// `jpg`, or `png` for an image with transparency.
    pub extension: &'static str,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
}

/// Crops the picture to the proportions of [`THUMBNAIL`] around its centre and scales it down
/// to that size (a smaller picture is only cropped to at most that size, never enlarged),
/// then encodes it: JPEG
/// (quality 82), or PNG when it has transparency.
///
/// A picture that already fits (at most 500 × 350 pixels, upright) is published as it is,
/// without its metadata ([`without_metadata`]: EXIF, XMP, IPTC, comments and text chunks,
/// which can hold a camera's location or an author's name), losslessly and without decoding
/// it: its pixels are checked by validation (`digifarm validate`, and the CLI and Python
/// exports, decode every image before they render).
///
/// # Errors
/// The [`decode`] problems.
pub fn thumbnail(bytes: &[u8], rules: Rules) -> Result<Thumbnail, Problem> {
    let info = inspect(bytes, rules)?;
    if info.kind != Kind::Svg
        && info.width <= THUMBNAIL.0
        && info.height <= THUMBNAIL.1
        && upright(bytes, info.kind)
        && let Some(clean) = without_metadata(bytes, info.kind)
    {
        return Ok(Thumbnail {
            bytes: clean.into(),
            extension: info.kind.extension(),
            width: info.width,
            height: info.height,
        });
    }
    thumbnail_of(&decode(bytes, rules)?)
}

/// Whether a picture of `info` is published as its scaled copy (larger than [`THUMBNAIL`]);
/// a smaller one is published as it is, without its metadata.
#[must_use]
pub fn needs_scaling(info: Info) -> bool {
    info.kind != Kind::Svg && (info.width > THUMBNAIL.0 || info.height > THUMBNAIL.1)
}

/// The published copy of a decoded picture: cropped to the proportions of [`THUMBNAIL`]
/// around its centre, scaled down to that size (never enlarged) and encoded (JPEG quality 82,
/// PNG when it has transparency).
///
/// # Errors
/// `image-invalid` when the copy cannot be encoded.
pub fn thumbnail_of(image: &DynamicImage) -> Result<Thumbnail, Problem> {
    let (w, h) = (f64::from(image.width()), f64::from(image.height()));
    let (tw, th) = (f64::from(THUMBNAIL.0), f64::from(THUMBNAIL.1));
    let scale = (tw / w).max(th / h).min(1.0);
    let crop_w = (tw / scale).min(w);
    let crop_h = (th / scale).min(h);
    let to_px = |v: f64| v.round().clamp(1.0, f64::from(u32::MAX)) as u32;
    let cw = to_px(crop_w).min(image.width());
    let ch = to_px(crop_h).min(image.height());
    let (x, y) = ((image.width() - cw) / 2, (image.height() - ch) / 2);
    let (ow, oh) = (to_px(crop_w * scale), to_px(crop_h * scale));
    let small = if (ow, oh) == (cw, ch) {
        image.crop_imm(x, y, cw, ch)
    } else {
        scaled(image, (x, y, cw, ch), (ow, oh))?
    };
    let mut out = Vec::new();
    let failed =
        |e: image::ImageError| Problem::new(Code::ImageInvalid, format!("cannot be encoded: {e}"));
    let extension = if small.color().has_alpha() {
        small
            .write_with_encoder(image::codecs::png::PngEncoder::new(&mut out))
            .map_err(failed)?;
        "png"
    } else {
        small
            .to_rgb8()
            .write_with_encoder(image::codecs::jpeg::JpegEncoder::new_with_quality(
                &mut out, 82,
            ))
            .map_err(failed)?;
        "jpg"
    };
    Ok(Thumbnail {
        bytes: out.into(),
        extension,
        width: ow,
        height: oh,
    })
}

/// The `crop` (left, top, width, height) of `image` scaled to `size` with a bilinear
/// convolution (`fast_image_resize`, SIMD), in 8 bits per channel: RGB, RGBA or grey.
fn scaled(
    image: &DynamicImage,
    crop: (u32, u32, u32, u32),
    size: (u32, u32),
) -> Result<DynamicImage, Problem> {
    use fast_image_resize as fr;
    let source: std::borrow::Cow<'_, DynamicImage> = match image {
        DynamicImage::ImageRgb8(_) | DynamicImage::ImageRgba8(_) | DynamicImage::ImageLuma8(_) => {
            std::borrow::Cow::Borrowed(image)
        }
        other if other.color().has_alpha() => {
            std::borrow::Cow::Owned(DynamicImage::ImageRgba8(other.to_rgba8()))
        }
        other => std::borrow::Cow::Owned(DynamicImage::ImageRgb8(other.to_rgb8())),
    };
    let mut target = DynamicImage::new(size.0, size.1, source.color());
    let (x, y, w, h) = crop;
    let options = fr::ResizeOptions::new()
        .crop(f64::from(x), f64::from(y), f64::from(w), f64::from(h))
        .resize_alg(fr::ResizeAlg::Convolution(fr::FilterType::Bilinear));
    fr::Resizer::new()
        .resize(&*source, &mut target, &options)
        .map_err(|e| Problem::new(Code::ImageInvalid, format!("cannot be scaled: {e}")))?;
    Ok(target)
}

/// Whether the picture needs no rotation or mirroring to be shown upright: it has no EXIF
/// orientation, or the identity (1). Reads only the EXIF block (a JPEG's `APP1 Exif`
/// segment, a PNG's `eXIf` chunk; a simple WebP has none); an EXIF block that cannot be
/// read counts as not upright, and the picture is then decoded, which applies it.
fn upright(bytes: &[u8], kind: Kind) -> bool {
    let exif = match kind {
        Kind::Jpeg => jpeg_exif(bytes),
        Kind::Png => png_exif(bytes),
        Kind::Webp | Kind::Svg => Ok(None),
    };
    match exif {
        Ok(None) => true,
        Ok(Some(tiff)) => tiff_orientation(tiff).is_some_and(|o| o == 1),
        Err(()) => false,
    }
}

/// The TIFF block of a JPEG's first `APP1 Exif` segment before the image data.
fn jpeg_exif(bytes: &[u8]) -> Result<Option<&[u8]>, ()> {
    let mut i = 2;
    loop {
        let (&ff, &marker) = (bytes.get(i).ok_or(())?, bytes.get(i + 1).ok_or(())?);
        if ff != 0xFF || marker == 0xDA || marker == 0xD9 {
            return Ok(None);
        }
        let len = usize::from(u16::from_be_bytes([
            *bytes.get(i + 2).ok_or(())?,
            *bytes.get(i + 3).ok_or(())?,
        ]));
        let data = bytes.get(i + 4..i + 2 + len).ok_or(())?;
        if marker == 0xE1
            && let Some(tiff) = data.strip_prefix(b"Exif\0\0")
        {
            return Ok(Some(tiff));
        }
        i += 2 + len;
    }
}

/// The TIFF block of a PNG's `eXIf` chunk.
fn png_exif(bytes: &[u8]) -> Result<Option<&[u8]>, ()> {
    let mut i = 8;
    loop {
        let head = bytes.get(i..i + 8).ok_or(())?;
        let len = usize::try_from(u32::from_be_bytes([head[0], head[1], head[2], head[3]]))
            .map_err(|_| ())?;
        match &head[4..8] {
            b"eXIf" => return bytes.get(i + 8..i + 8 + len).ok_or(()).map(Some),
            b"IEND" => return Ok(None),
            _ => i = i.checked_add(12 + len).ok_or(())?,
        }
    }
}

/// The orientation (tag 0x0112) in the first IFD of a TIFF block, 1 when it has none.
fn tiff_orientation(tiff: &[u8]) -> Option<u16> {
    let big = match tiff.get(0..2)? {
        b"MM" => true,
        b"II" => false,
        _ => return None,
    };
    let u16_at = |at: usize| -> Option<u16> {
        let b = [*tiff.get(at)?, *tiff.get(at + 1)?];
        Some(if big {
            u16::from_be_bytes(b)
        } else {
            u16::from_le_bytes(b)
        })
    };
    let u32_at = |at: usize| -> Option<u32> {
        let b: [u8; 4] = tiff.get(at..at + 4)?.try_into().ok()?;
        Some(if big {
            u32::from_be_bytes(b)
        } else {
            u32::from_le_bytes(b)
        })
    };
    let ifd = usize::try_from(u32_at(4)?).ok()?;
    let count = usize::from(u16_at(ifd)?);
    for k in 0..count {
        let entry = ifd + 2 + 12 * k;
        if u16_at(entry)? == 0x0112 {
            return u16_at(entry + 8);
        }
    }
    Some(1)
}

/// The picture without its metadata, its image data byte for byte the same: for a JPEG the
/// segments that hold pixels, tables and colour (JFIF, ICC profile, Adobe) and none of EXIF,
/// XMP, IPTC or comments; for a PNG the critical chunks and those that affect how it looks
/// (`tRNS`, `gAMA`, `cHRM`, `sRGB`, `iCCP`, `sBIT`, `bKGD`, `pHYs`), without text, time,
/// EXIF or animation chunks; a WebP only in its simple form (`VP8 ` or `VP8L`, which holds no
/// metadata). `None` when the file's structure is not what that needs (the caller then
/// decodes and encodes the picture).
pub fn without_metadata(bytes: &[u8], kind: Kind) -> Option<Vec<u8>> {
    match kind {
        Kind::Jpeg => jpeg_without_metadata(bytes),
        Kind::Png => png_without_metadata(bytes),
        Kind::Webp => simple_webp(bytes).map(<[u8]>::to_vec),
        Kind::Svg => None,
    }
}

fn jpeg_without_metadata(bytes: &[u8]) -> Option<Vec<u8>> {
    let n = bytes.len();
    if !bytes.starts_with(&[0xFF, 0xD8]) {
        return None;
    }
    let mut out = Vec::with_capacity(n);
    out.extend_from_slice(&[0xFF, 0xD8]);
    let mut i = 2;
    loop {
        if *bytes.get(i)? != 0xFF {
            return None;
        }
        while *bytes.get(i)? == 0xFF {
            i += 1;
        }
        let marker = bytes[i];
        i += 1;
        match marker {
            0xD9 => {
                out.extend_from_slice(&[0xFF, 0xD9]);
                return Some(out);
            }
            0x01 | 0xD0..=0xD7 => out.extend_from_slice(&[0xFF, marker]),
            0x00 | 0xD8 => return None,
            _ => {
                let len = usize::from(u16::from_be_bytes([*bytes.get(i)?, *bytes.get(i + 1)?]));
                let segment = bytes.get(i..i.checked_add(len)?)?;
                if len < 2 {
                    return None;
                }
                let keep = match marker {
                    0xE0 | 0xEE => true,
                    0xE2 => segment[2..].starts_with(b"ICC_PROFILE\0"),
                    0xE1 | 0xE3..=0xED | 0xEF | 0xFE => false,
                    _ => true,
                };
                if keep {
                    out.extend_from_slice(&[0xFF, marker]);
                    out.extend_from_slice(segment);
                }
                i += len;
                if marker == 0xDA {
                    // Entropy-coded data: up to the next marker that is not a stuffed zero
                    // or a restart marker.
                    let start = i;
                    loop {
                        let ff = i + memchr::memchr(0xFF, bytes.get(i..)?)?;
                        match *bytes.get(ff + 1)? {
                            0x00 | 0xD0..=0xD7 => i = ff + 2,
                            _ => {
                                i = ff;
                                break;
                            }
                        }
                    }
                    out.extend_from_slice(&bytes[start..i]);
                }
            }
        }
    }
}

fn png_without_metadata(bytes: &[u8]) -> Option<Vec<u8>> {
    const SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";
    const KEPT: [&[u8; 4]; 12] = [
        b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"iCCP", b"sBIT",
        b"bKGD", b"pHYs",
    ];
    if !bytes.starts_with(SIGNATURE) {
        return None;
    }
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(SIGNATURE);
    let mut i = SIGNATURE.len();
    loop {
        let head = bytes.get(i..i + 8)?;
        let len = usize::try_from(u32::from_be_bytes([head[0], head[1], head[2], head[3]])).ok()?;
        let end = i.checked_add(12)?.checked_add(len)?;
        let chunk = bytes.get(i..end)?;
        let kind = &chunk[4..8];
        if KEPT.iter().any(|k| k.as_slice() == kind) {
            out.extend_from_slice(chunk);
        }
        i = end;
        if kind == b"IEND" {
            return Some(out);
        }
    }
}

/// The WebP file when it is in the simple format (one `VP8 ` or `VP8L` chunk).
fn simple_webp(bytes: &[u8]) -> Option<&[u8]> {
    if bytes.get(0..4)? != b"RIFF" || bytes.get(8..12)? != b"WEBP" {
        return None;
    }
    let size = u32::from_le_bytes(bytes.get(4..8)?.try_into().ok()?);
    let file = bytes.get(..usize::try_from(size).ok()?.checked_add(8)?)?;
    let chunk = file.get(12..16)?;
    let len = u32::from_le_bytes(file.get(16..20)?.try_into().ok()?);
    let padded = usize::try_from(len)
        .ok()?
        .checked_add(usize::try_from(len % 2).ok()?)?;
    (matches!(chunk, b"VP8 " | b"VP8L") && 20usize.checked_add(padded)? == file.len())
        .then_some(file)
}

/// The portal logo's file as published: an SVG written anew from what draws
/// ([`clean_svg`]), a PNG without its metadata ([`without_metadata`]: text chunks can hold
/// an author's name or a path on their machine).
///
/// # Errors
/// The SVG's [`clean_svg`] problems; `image-invalid` for a PNG whose chunks cannot be read.
pub fn published_logo(bytes: &[u8], kind: Kind) -> Result<Vec<u8>, Problem> {
    match kind {
        Kind::Svg => clean_svg(bytes),
        other => without_metadata(bytes, other).ok_or_else(|| {
            Problem::new(
                Code::ImageInvalid,
                format!("the {} file's structure cannot be read", other.name()),
            )
        }),
    }
}

/// Checks that an SVG is well-formed XML with an `<svg>` root and nothing that runs or
/// loads (see [`clean_svg`], which publishes what it accepts).
///
/// # Errors
/// `image-invalid` when it is not an SVG document, `image-unsafe` for the first thing found.
pub fn check_svg(bytes: &[u8]) -> Result<(), Problem> {
    clean_svg(bytes).map(drop)
}

const SVG_NS: &str = "http://www.w3.org/2000/svg";
const XLINK_NS: &str = "http://www.w3.org/1999/xlink";
const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";

/// How deeply an SVG's elements may nest.
const SVG_DEPTH: usize = 128;

/// What an SVG element is to a published logo.
enum Element {
    /// Drawn: kept, with its children.
    Kept,
    /// Kept out with its children: metadata, editors' elements, anything not SVG.
    Dropped,
    /// A link: left out, its children kept.
    Unwrapped,
    /// Runs, animates or loads: the SVG is refused.
    Refused,
}

fn element(node: roxmltree::Node<'_, '_>) -> Element {
    let name = node.tag_name();
    if !matches!(name.namespace(), None | Some(SVG_NS)) {
        return Element::Dropped;
    }
    match name.name() {
        "svg"
        | "g"
        | "defs"
        | "symbol"
        | "use"
        | "title"
        | "desc"
        | "path"
        | "rect"
        | "circle"
        | "ellipse"
        | "line"
        | "polyline"
        | "polygon"
        | "text"
        | "tspan"
        | "textPath"
        | "linearGradient"
        | "radialGradient"
        | "stop"
        | "pattern"
        | "clipPath"
        | "mask"
        | "marker"
        | "filter"
        | "style"
        | "feBlend"
        | "feColorMatrix"
        | "feComponentTransfer"
        | "feComposite"
        | "feConvolveMatrix"
        | "feDiffuseLighting"
        | "feDisplacementMap"
        | "feDistantLight"
        | "feDropShadow"
        | "feFlood"
        | "feFuncA"
        | "feFuncB"
        | "feFuncG"
        | "feFuncR"
        | "feGaussianBlur"
        | "feMerge"
        | "feMergeNode"
        | "feMorphology"
        | "feOffset"
        | "fePointLight"
        | "feSpecularLighting"
        | "feSpotLight"
        | "feTile"
        | "feTurbulence" => Element::Kept,
        "a" => Element::Unwrapped,
        other
            if matches!(
                other.to_ascii_lowercase().as_str(),
                "script"
                    | "foreignobject"
                    | "iframe"
                    | "embed"
                    | "object"
                    | "handler"
                    | "listener"
                    | "set"
                    | "animate"
                    | "animatemotion"
                    | "animatetransform"
                    | "animatecolor"
                    | "discard"
                    | "image"
                    | "feimage"
                    | "video"
                    | "audio"
            ) =>
        {
            Element::Refused
        }
        _ => Element::Dropped,
    }
}

/// The SVG as published: checked, then written anew from its parsed tree with only what
/// draws. It must be well-formed XML with an `<svg>` root and no document type declaration.
/// Refused (`image-unsafe`) is what runs, animates or loads: `<script>`, `<foreignObject>`,
/// `<iframe>`, `<embed>`, `<object>`, animation elements (`<set>`, `<animate…>`, which can
/// turn a link into `javascript:`), `<image>` and `<feImage>`; an `on…` event attribute; a
/// link (`href`, `xlink:href`) to anything but a fragment of the file (`#id`); and style (a
/// `<style>` element, a `style` attribute, any attribute's value) that imports, loads or
/// references anything but such a fragment, read after CSS escapes and comments are
/// resolved. Left out, so that the published file holds neither them nor personal data:
/// processing instructions, comments, metadata, elements and attributes of other namespaces
/// (an editor's, HTML's), attributes SVG does not draw with (`src`, `srcset`, …), and an
/// `<a>` around content that links within the file.
///
/// # Errors
/// `image-invalid` when it is not an SVG document, `image-unsafe` for the first thing found.
pub fn clean_svg(bytes: &[u8]) -> Result<Vec<u8>, Problem> {
    let text = std::str::from_utf8(bytes)
        .map_err(|_| Problem::new(Code::ImageInvalid, "the SVG is not UTF-8 text"))?;
    if text.contains("<!DOCTYPE") || text.contains("<!ENTITY") {
        return Err(Problem::new(
            Code::ImageUnsafe,
            "the SVG has a document type declaration (entities can expand or load files)",
        ));
    }
    let options = roxmltree::ParsingOptions {
        allow_dtd: false,
        ..roxmltree::ParsingOptions::default()
    };
    let doc = roxmltree::Document::parse_with_options(text, options).map_err(|e| {
        Problem::new(
            Code::ImageInvalid,
            format!("the SVG is not well-formed XML: {e}"),
        )
    })?;
    let root = doc.root_element();
    if root.tag_name().name() != "svg"
        || !matches!(root.tag_name().namespace(), None | Some(SVG_NS))
    {
        return Err(Problem::new(
            Code::ImageInvalid,
            format!(
                "the root element is <{}>, not <svg>",
                root.tag_name().name()
            ),
        ));
    }
    let mut out = String::with_capacity(text.len());
    write_svg_element(&doc, root, 0, &mut out)?;
    out.push('\n');
    Ok(out.into_bytes())
}

fn write_svg_element(
    doc: &roxmltree::Document<'_>,
    node: roxmltree::Node<'_, '_>,
    depth: usize,
    out: &mut String,
) -> Result<(), Problem> {
    let name = node.tag_name().name();
    let line = doc.text_pos_at(node.range().start).row;
    let unsafe_ = |what: String| Problem::new(Code::ImageUnsafe, what);
    if depth > SVG_DEPTH {
        return Err(Problem::new(
            Code::ImageInvalid,
            format!("the SVG's elements nest more than {SVG_DEPTH} levels deep (line {line})"),
        ));
    }
    let unwrap = match element(node) {
        Element::Refused => {
            return Err(unsafe_(format!(
                "the SVG has a <{name}> element (line {line})"
            )));
        }
        Element::Dropped => return Ok(()),
        Element::Unwrapped => true,
        Element::Kept => false,
    };
    if !unwrap {
        out.push('<');
        out.push_str(name);
        if depth == 0 {
            out.push_str(" xmlns=\"");
            out.push_str(SVG_NS);
            out.push('"');
            out.push_str(" xmlns:xlink=\"");
            out.push_str(XLINK_NS);
            out.push('"');
        }
    }
    // A link's attributes are checked as any others (its target is named in the error),
    // though it is left out.
    for attr in node.attributes() {
        let key = attr.name();
        let value = attr.value();
        if key.to_ascii_lowercase().starts_with("on") {
            return Err(unsafe_(format!(
                "the SVG has an event handler `{key}` on <{name}> (line {line})"
            )));
        }
        let shown = match attr.namespace() {
            None if matches!(
                key,
                "src" | "srcset" | "poster" | "data" | "action" | "formaction"
            ) =>
            {
                continue;
            }
            None => key.to_owned(),
            Some(XLINK_NS) if key == "href" => "xlink:href".to_owned(),
            Some(XML_NS) if matches!(key, "space" | "lang") => format!("xml:{key}"),
            // An editor's attributes, HTML's, and the rest of XLink's.
            Some(_) => continue,
        };
        if key == "href" && !value.trim().starts_with('#') {
            return Err(unsafe_(format!(
                "the SVG links `{}` from <{name}> (line {line}); only links within the file (#id) are allowed",
                value.trim()
            )));
        }
        if css_loads(value) {
            return Err(unsafe_(format!(
                "the SVG's `{key}` on <{name}> references another file (line {line})"
            )));
        }
        if !unwrap {
            out.push(' ');
            out.push_str(&shown);
            out.push_str("=\"");
            escape_xml(value, true, out);
            out.push('"');
        }
    }
    if name == "style" && !unwrap {
        // Every piece of text in it (a comment or CDATA section splits it).
        let css: String = node
            .descendants()
            .filter(roxmltree::Node::is_text)
            .filter_map(|t| t.text())
            .collect();
        if css_loads(&css) {
            return Err(unsafe_(format!(
                "the SVG's <style> imports or references another file (line {line})"
            )));
        }
        out.push('>');
        escape_xml(&css, false, out);
        out.push_str("</style>");
        return Ok(());
    }
    if !unwrap {
        out.push('>');
    }
    for child in node.children() {
        if child.is_element() {
            write_svg_element(doc, child, depth + 1, out)?;
        } else if child.is_text()
            && let Some(t) = child.text()
        {
            escape_xml(t, false, out);
        }
    }
    if !unwrap {
        out.push_str("</");
        out.push_str(name);
        out.push('>');
    }
    Ok(())
}

/// `text` escaped for XML content, or (`attribute`) for a quoted attribute value, where line
/// breaks and tabs are written as references so that they survive.
fn escape_xml(text: &str, attribute: bool, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            '\n' if attribute => out.push_str("&#10;"),
            '\r' if attribute => out.push_str("&#13;"),
            '\t' if attribute => out.push_str("&#9;"),
            c => out.push(c),
        }
    }
}

/// Whether CSS text (a style sheet, a `style` attribute, or any attribute's value) imports,
/// loads or references anything but a fragment of the same file. It is read as a browser
/// reads it: comments removed, escapes (`\69mport`, `u\72l(`) resolved, letters in lower
/// case; then `@import`, `@font-face`, `image-set(`, `image(`, `element(`, `src(`,
/// `expression(` and `-moz-binding` are refused outright, and `url(` unless what it names
/// starts with `#`.
fn css_loads(css: &str) -> bool {
    // CSS reads CR LF, CR and form feed as one line break (an escape's white space too).
    let css = css.replace("\r\n", "\n").replace(['\r', '\u{c}'], "\n");
    // Read twice: with comments removed, and with them kept (a comment's opening inside a
    // string is no comment); either reading that loads refuses it.
    [css_unescaped(&css, true), css_unescaped(&css, false)]
        .iter()
        .any(|plain| css_text_loads(&plain.to_lowercase()))
}

/// [`css_loads`] of text already read (escapes resolved, lower case).
fn css_text_loads(plain: &str) -> bool {
    const LOADS: [&str; 8] = [
        "@import",
        "@font-face",
        "image-set(",
        "image(",
        "element(",
        "src(",
        "expression(",
        "-moz-binding",
    ];
    if LOADS.iter().any(|l| plain.contains(l)) {
        return true;
    }
    plain.match_indices("url(").any(|(i, _)| {
        let rest = plain
            .get(i + 4..)
            .unwrap_or("")
            .trim_start()
            .trim_start_matches(['"', '\''])
            .trim_start();
        !rest.starts_with('#')
    })
}

/// CSS text with its escapes resolved (a backslash and one to six hexadecimal digits, with
/// one white space after them, is that character; a backslash and any other character is
/// that character), and its comments removed when `strip_comments`.
fn css_unescaped(css: &str, strip_comments: bool) -> String {
    let mut out = String::with_capacity(css.len());
    let mut chars = css.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '/' if strip_comments && chars.peek() == Some(&'*') => {
                chars.next();
                let mut last = ' ';
                for c in chars.by_ref() {
                    if last == '*' && c == '/' {
                        break;
                    }
                    last = c;
                }
            }
            '\\' => {
                let mut hex = String::new();
                while hex.len() < 6 && chars.peek().is_some_and(char::is_ascii_hexdigit) {
                    hex.extend(chars.next());
                }
                if hex.is_empty() {
                    out.extend(chars.next());
                } else {
                    if chars.peek().is_some_and(|c| c.is_ascii_whitespace()) {
                        chars.next();
                    }
                    let code = u32::from_str_radix(&hex, 16).unwrap_or(0xFFFD);
                    out.push(
                        char::from_u32(code)
                            .filter(|&c| c != '\0')
                            .unwrap_or('\u{FFFD}'),
                    );
                }
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn png(w: u32, h: u32, alpha: bool) -> Vec<u8> {
        let mut out = Vec::new();
        let image = if alpha {
            DynamicImage::ImageRgba8(image::RgbaImage::from_pixel(
                w,
                h,
                image::Rgba([1, 2, 3, 100]),
            ))
        } else {
            DynamicImage::ImageRgb8(image::RgbImage::from_fn(w, h, |x, y| {
                image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
            }))
        };
        image
            .write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
            .unwrap();
        out
    }

    #[test]
    fn the_type_is_read_from_the_content() {
        assert_eq!(
            inspect(&png(3, 2, false), PROJECT_IMAGE).unwrap().kind,
            Kind::Png
        );
        for (bytes, said) in [
            (
                &b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0"[..],
                "an executable (ELF)",
            ),
            (b"MZ\x90\0\x03", "a Windows executable"),
            (b"#!/bin/sh\nrm -rf /\n", "a script"),
            (b"", "empty"),
            (b"GIF89a\x01\0\x01\0", "a Gif image"),
        ] {
            let p = inspect(bytes, PROJECT_IMAGE).unwrap_err();
            assert_eq!(p.code, Code::ImageInvalid);
            assert!(p.message.contains(said), "{}", p.message);
        }
        // A logo may be an SVG, a project image may not.
        let svg = br#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10"/></svg>"#;
        assert_eq!(inspect(svg, LOGO).unwrap().kind, Kind::Svg);
        assert_eq!(
            inspect(svg, PROJECT_IMAGE).unwrap_err().code,
            Code::ImageInvalid
        );
    }

    fn crc32(data: &[u8]) -> u32 {
        let mut crc = 0xffff_ffffu32;
        for &b in data {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xedb8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    /// A PNG whose (checksummed) header claims `w` × `h` pixels, with a tiny body: what a
    /// decompression bomb looks like before anything is decoded.
    fn claimed_png(w: u32, h: u32) -> Vec<u8> {
        let mut bytes = png(1, 1, false);
        // IHDR: length at 8, type at 12, width and height (big-endian) at 16 and 20, CRC at 29.
        bytes[16..20].copy_from_slice(&w.to_be_bytes());
        bytes[20..24].copy_from_slice(&h.to_be_bytes());
        let crc = crc32(&bytes[12..29]);
        bytes[29..33].copy_from_slice(&crc.to_be_bytes());
        bytes
    }

    #[test]
    fn a_decompression_bomb_is_refused_from_its_header() {
        let p = inspect(&claimed_png(10_000, 10_000), PROJECT_IMAGE).unwrap_err();
        assert_eq!(p.code, Code::ImageTooLarge, "{}", p.message);
        assert!(p.message.contains("100.0 megapixels"), "{}", p.message);
        let p = inspect(&claimed_png(20_000, 100), PROJECT_IMAGE).unwrap_err();
        assert_eq!(p.code, Code::ImageTooLarge);
    }

    #[test]
    fn a_broken_image_is_refused_when_decoded() {
        let mut bytes = png(600, 400, false);
        bytes.truncate(bytes.len() / 2);
        let p = thumbnail(&bytes, PROJECT_IMAGE).unwrap_err();
        assert_eq!(p.code, Code::ImageInvalid);
        assert!(p.message.starts_with("cannot be decoded"), "{}", p.message);
    }

    #[test]
    fn thumbnails_are_cropped_and_never_enlarged() {
        let t = thumbnail(&png(1200, 600, false), PROJECT_IMAGE).unwrap();
        assert_eq!((t.width, t.height, t.extension), (500, 350, "jpg"));
        assert_eq!(image::guess_format(&t.bytes).unwrap(), ImageFormat::Jpeg);
        let t = thumbnail(&png(1000, 1400, false), PROJECT_IMAGE).unwrap();
        assert_eq!((t.width, t.height), (500, 350));
        let t = thumbnail(&png(300, 900, false), PROJECT_IMAGE).unwrap();
        assert_eq!((t.width, t.height), (300, 350));
        let t = thumbnail(&png(200, 100, true), PROJECT_IMAGE).unwrap();
        assert_eq!((t.width, t.height, t.extension), (200, 100, "png"));
    }

    #[test]
    fn the_scaled_copy_shows_the_centre_of_the_picture() {
        // 1400 × 700: cropped to 1000 × 700 around the centre, then halved. Red on the left
        // fifth (cropped away), green in the middle, blue on the right fifth (cropped away);
        // a black bar across the top tenth.
        let colour = |x: u32, y: u32| -> [u8; 3] {
            if y < 70 {
                [0, 0, 0]
            } else if x < 200 {
                [255, 0, 0]
            } else if x >= 1200 {
                [0, 0, 255]
            } else {
                [0, 200, 0]
            }
        };
        let rgb = DynamicImage::ImageRgb8(image::RgbImage::from_fn(1400, 700, |x, y| {
            image::Rgb(colour(x, y))
        }));
        let near = |a: [u8; 3], b: [u8; 3]| a.iter().zip(b).all(|(p, q)| p.abs_diff(q) <= 24);
        // The same picture as RGB, 16-bit RGB and RGBA (opaque): the same copy, within the
        // encoder's loss.
        for source in [
            rgb.clone(),
            DynamicImage::ImageRgb16(rgb.to_rgb16()),
            DynamicImage::ImageRgba8(rgb.to_rgba8()),
        ] {
            let t = thumbnail_of(&source).unwrap();
            assert_eq!((t.width, t.height), (500, 350));
            let shown = image::load_from_memory(&t.bytes).unwrap().to_rgb8();
            assert_eq!(shown.dimensions(), (500, 350));
            for (x, y, expected) in [
                (5, 200, [0, 200, 0]),
                (250, 200, [0, 200, 0]),
                (494, 340, [0, 200, 0]),
                (250, 10, [0, 0, 0]),
            ] {
                let got = shown.get_pixel(x, y).0;
                assert!(near(got, expected), "({x}, {y}): {got:?}, not {expected:?}");
            }
        }
        // Transparency is kept (PNG); grey stays grey.
        let clear = DynamicImage::ImageRgba8(image::RgbaImage::from_pixel(
            1000,
            700,
            image::Rgba([10, 20, 30, 0]),
        ));
        let t = thumbnail_of(&clear).unwrap();
        assert_eq!(t.extension, "png");
        let shown = image::load_from_memory(&t.bytes).unwrap().to_rgba8();
        assert_eq!(shown.get_pixel(250, 175).0[3], 0);
        let grey =
            DynamicImage::ImageLuma8(image::GrayImage::from_pixel(1000, 700, image::Luma([90])));
        let t = thumbnail_of(&grey).unwrap();
        let shown = image::load_from_memory(&t.bytes).unwrap().to_rgb8();
        assert!(near(shown.get_pixel(250, 175).0, [90, 90, 90]));
    }

    fn jpeg(w: u32, h: u32) -> Vec<u8> {
        let mut out = Vec::new();
        image::RgbImage::from_fn(w, h, |x, y| image::Rgb([(x * 3) as u8, (y * 5) as u8, 60]))
            .write_with_encoder(image::codecs::jpeg::JpegEncoder::new_with_quality(
                &mut out, 90,
            ))
            .unwrap();
        out
    }

    /// `jpeg` with an EXIF segment (orientation `o`, a camera owner's name) and a comment
    /// inserted after its start marker.
    fn jpeg_with_metadata(w: u32, h: u32, o: u8) -> Vec<u8> {
        let plain = jpeg(w, h);
        let mut tiff = b"MM\x00\x2a\x00\x00\x00\x08\x00\x02".to_vec();
        tiff.extend_from_slice(b"\x01\x12\x00\x03\x00\x00\x00\x01\x00");
        tiff.extend_from_slice(&[o, 0, 0]);
        // Artist (0x013b), ASCII, 12 bytes at offset 38.
        tiff.extend_from_slice(b"\x01\x3b\x00\x02\x00\x00\x00\x0c\x00\x00\x00\x26");
        tiff.extend_from_slice(b"\x00\x00\x00\x00Erika Muster\x00");
        let mut app1 = b"Exif\x00\x00".to_vec();
        app1.extend_from_slice(&tiff);
        let mut out = plain[..2].to_vec();
        out.extend_from_slice(&[0xFF, 0xE1]);
        out.extend_from_slice(&u16::try_from(app1.len() + 2).unwrap().to_be_bytes());
        out.extend_from_slice(&app1);
        out.extend_from_slice(b"\xFF\xFE\x00\x10GPS 51.96,7.62");
        out.extend_from_slice(&plain[2..]);
        out
    }

    fn contains(haystack: &[u8], needle: &[u8]) -> bool {
        haystack.windows(needle.len()).any(|w| w == needle)
    }

    #[test]
    fn a_picture_that_fits_is_published_losslessly_without_its_metadata() {
        let with = jpeg_with_metadata(500, 350, 1);
        assert!(contains(&with, b"Erika Muster") && contains(&with, b"GPS 51.96"));
        let t = thumbnail(&with, PROJECT_IMAGE).unwrap();
        assert_eq!((t.width, t.height, t.extension), (500, 350, "jpg"));
        assert!(!contains(&t.bytes, b"Erika Muster") && !contains(&t.bytes, b"GPS 51.96"));
        assert!(!contains(&t.bytes, b"Exif\x00\x00"));
        // Losslessly: the same pixels as the file without the inserted segments.
        let plain = jpeg(500, 350);
        let first = t.bytes.iter().zip(&plain).position(|(a, b)| a != b);
        assert_eq!(
            (first, t.bytes.len()),
            (None, plain.len()),
            "{:x?}",
            &plain[..40]
        );
        let published = image::load_from_memory(&t.bytes).unwrap().to_rgb8();
        let original = image::load_from_memory(&plain).unwrap().to_rgb8();
        assert!(published == original, "the pixels differ");

        // PNG: text and EXIF chunks go, transparency stays.
        let mut png_bytes = png(40, 30, true);
        let iend = png_bytes.len() - 12;
        let text = b"tEXtAuthor\x00Erika Muster";
        let mut chunk = u32::try_from(text.len() - 4)
            .unwrap()
            .to_be_bytes()
            .to_vec();
        chunk.extend_from_slice(text);
        chunk.extend_from_slice(&crc32(text).to_be_bytes());
        png_bytes.splice(iend..iend, chunk);
        assert!(contains(&png_bytes, b"Erika Muster"));
        let t = thumbnail(&png_bytes, PROJECT_IMAGE).unwrap();
        assert_eq!((t.width, t.height, t.extension), (40, 30, "png"));
        assert!(!contains(&t.bytes, b"Erika Muster"));
        assert_eq!(t.bytes, png(40, 30, true));
    }

    #[test]
    fn a_rotated_or_large_picture_is_decoded_and_encoded_again() {
        // EXIF orientation 6 (rotate 90°): stored 200 × 100, shown 100 × 200.
        let t = thumbnail(&jpeg_with_metadata(200, 100, 6), PROJECT_IMAGE).unwrap();
        assert_eq!((t.width, t.height), (100, 200));
        assert!(!contains(&t.bytes, b"Erika Muster"));
        let t = thumbnail(&jpeg_with_metadata(800, 560, 1), PROJECT_IMAGE).unwrap();
        assert_eq!((t.width, t.height), (500, 350));
        assert!(!contains(&t.bytes, b"Erika Muster") && !contains(&t.bytes, b"GPS 51.96"));
    }

    #[test]
    fn the_exif_orientation_is_read_in_both_byte_orders() {
        let entry = |big: bool, o: u16| {
            let mut t = if big {
                b"MM\x00\x2a\x00\x00\x00\x08".to_vec()
            } else {
                b"II\x2a\x00\x08\x00\x00\x00".to_vec()
            };
            let w16 = |v: u16| {
                if big {
                    v.to_be_bytes()
                } else {
                    v.to_le_bytes()
                }
            };
            let w32 = |v: u32| {
                if big {
                    v.to_be_bytes()
                } else {
                    v.to_le_bytes()
                }
            };
            t.extend_from_slice(&w16(1));
            t.extend_from_slice(&w16(0x0112));
            t.extend_from_slice(&w16(3));
            t.extend_from_slice(&w32(1));
            t.extend_from_slice(&w16(o));
            t.extend_from_slice(&[0, 0, 0, 0, 0, 0]);
            t
        };
        for big in [true, false] {
            assert_eq!(tiff_orientation(&entry(big, 1)), Some(1));
            assert_eq!(tiff_orientation(&entry(big, 8)), Some(8));
        }
        assert_eq!(
            tiff_orientation(b"MM\x00\x2a\x00\x00\x00\x08\x00\x00"),
            Some(1)
        );
        assert_eq!(tiff_orientation(b"XX"), None);
        assert_eq!(tiff_orientation(b"MM\x00\x2a\x00\x00\xff\xff"), None);
        // A PNG whose eXIf says "rotate 90°" is decoded, not passed through.
        let mut bytes = png(40, 20, false);
        let iend = bytes.len() - 12;
        let mut chunk = b"eXIf".to_vec();
        chunk.extend_from_slice(&entry(true, 6));
        let mut framed = u32::try_from(chunk.len() - 4)
            .unwrap()
            .to_be_bytes()
            .to_vec();
        framed.extend_from_slice(&chunk);
        framed.extend_from_slice(&crc32(&chunk).to_be_bytes());
        bytes.splice(iend..iend, framed);
        assert!(!upright(&bytes, Kind::Png));
        assert!(upright(&png(40, 20, false), Kind::Png));
    }

    #[test]
    fn a_damaged_structure_is_not_published_as_it_is() {
        let good = jpeg(100, 80);
        for cut in [3, 20, good.len() / 2, good.len() - 2] {
            assert_eq!(jpeg_without_metadata(&good[..cut]), None, "cut at {cut}");
        }
        let good = png(10, 10, false);
        for cut in [8, 20, good.len() - 5] {
            assert_eq!(png_without_metadata(&good[..cut]), None, "cut at {cut}");
        }
        assert_eq!(simple_webp(b"RIFF\xff\xff\xff\xffWEBPVP8 "), None);
    }

    /// The published logo is the SVG written anew: what draws stays (and reads as the same
    /// drawing), processing instructions, comments, metadata, an editor's elements and
    /// attributes and HTML inside it are gone.
    #[test]
    fn a_logo_is_published_with_only_what_draws() {
        let logo = br##"<?xml version="1.0" encoding="UTF-8"?>
<?xml-stylesheet href="http://h.example/pi.css"?>
<!-- Erika Mustermann, /home/erika/logo.svg -->
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
     xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape"
     xmlns:sodipodi="http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd"
     xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
     width="48" height="48" viewBox="0 0 48 48" sodipodi:docname="/home/erika/logo.svg">
  <metadata><rdf:RDF><dc:creator>Erika Mustermann</dc:creator></rdf:RDF></metadata>
  <sodipodi:namedview inkscape:window-width="1920"/>
  <title>Stadt &amp; Land</title>
  <style>.a{fill:#005ca9}</style>
  <defs><linearGradient id="g"><stop offset="0" stop-color="#fff"/></linearGradient></defs>
  <g inkscape:label="Ebene 1" style="stroke:url(#g)">
    <rect class="a" width="48" height="48" fill="url(#g)"/>
    <img xmlns="http://www.w3.org/1999/xhtml" srcset="http://h.example/s.png 1x"/>
    <use xlink:href="#g" xml:space="preserve"/>
    <text x="4" y="40" font-family="sans-serif">MS &lt;3</text>
  </g>
</svg>
"##;
        let clean = String::from_utf8(clean_svg(logo).unwrap()).unwrap();
        for gone in [
            "xml-stylesheet",
            "Erika",
            "inkscape",
            "sodipodi",
            "metadata",
            "<!--",
            "srcset",
            "xhtml",
            "h.example",
        ] {
            assert!(!clean.contains(gone), "{gone}: {clean}");
        }
        for kept in [
            "viewBox=\"0 0 48 48\"",
            "<title>Stadt &amp; Land</title>",
            "<style>.a{fill:#005ca9}</style>",
            "<rect class=\"a\" width=\"48\" height=\"48\" fill=\"url(#g)\">",
            "<use xlink:href=\"#g\" xml:space=\"preserve\">",
            ">MS &lt;3</text>",
        ] {
            assert!(clean.contains(kept), "{kept}: {clean}");
        }
        // It is an SVG that passes its own check, and cleaning it again changes nothing.
        assert_eq!(clean_svg(clean.as_bytes()).unwrap(), clean.as_bytes());
        // A PNG logo loses its text chunks.
        let mut png = png(8, 8, false);
        let chunk = |kind: &[u8], data: &[u8]| {
            let mut c = (data.len() as u32).to_be_bytes().to_vec();
            c.extend_from_slice(kind);
            c.extend_from_slice(data);
            let crc = crc32(&c[4..]);
            c.extend_from_slice(&crc.to_be_bytes());
            c
        };
        let at = png.len() - 12;
        png.splice(at..at, chunk(b"tEXt", b"Author\0Erika Mustermann"));
        inspect(&png, LOGO).unwrap();
        let published = published_logo(&png, Kind::Png).unwrap();
        assert!(!String::from_utf8_lossy(&published).contains("Erika"));
        inspect(&published, LOGO).unwrap();
    }

    #[test]
    fn unsafe_svgs_are_refused() {
        let ok = br##"<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><defs><linearGradient id="g"/></defs><rect fill="url(#g)" width="1" height="1"/><use xlink:href="#g"/></svg>"##;
        check_svg(ok).unwrap();
        for bad in [
            &br#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#[..],
            br#"<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>"#,
            br#"<svg xmlns="http://www.w3.org/2000/svg"><image href="https://evil.example/x.png"/></svg>"#,
            br#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>"#,
            br#"<svg xmlns="http://www.w3.org/2000/svg"><style>@import url(https://evil.example/a.css);</style></svg>"#,
            br#"<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill:url(https://evil.example/x)"/></svg>"#,
            br#"<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><div/></foreignObject></svg>"#,
            br#"<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaa">]><svg xmlns="http://www.w3.org/2000/svg">&a;</svg>"#,
        ] {
            let p = check_svg(bad).unwrap_err();
            assert_eq!(p.code, Code::ImageUnsafe, "{}", String::from_utf8_lossy(bad));
        }
        // What gets past reading CSS as text, or attributes by name: a comment splitting a
        // style sheet, CSS escapes, image-set, srcset, animation that sets a link, a
        // processing instruction's style sheet (left out), deep nesting.
        for bad in [
            &br#"<svg xmlns="http://www.w3.org/2000/svg"><style>rect{}<!-- c -->svg{background-image:url(http://h.example/a.png)}</style></svg>"#[..],
            br#"<svg xmlns="http://www.w3.org/2000/svg"><style>@\69mport "http://h.example/a.css";</style></svg>"#,
            br#"<svg xmlns="http://www.w3.org/2000/svg"><rect style="cursor:u\72l(http://h.example/c.png),auto"/></svg>"#,
            br#"<svg xmlns="http://www.w3.org/2000/svg"><style>svg{border-image:image-set("http://h.example/i.png" 1x) 30}</style></svg>"#,
            br#"<svg xmlns="http://www.w3.org/2000/svg"><style><![CDATA[svg{background:url(]]>http://h.example/x.png)}</style></svg>"#,
            br#"<svg xmlns="http://www.w3.org/2000/svg"><style>svg{background:url( /* x */ 'http://h.example/x.png')}</style></svg>"#,
            br##"<svg xmlns="http://www.w3.org/2000/svg"><a href="#x"><set attributeName="href" to="javascript:alert(1)"/><text>Logo</text></a></svg>"##,
            br##"<svg xmlns="http://www.w3.org/2000/svg"><image href="#x"><animate attributeName="href" values="http://h.example/s.png"/></image></svg>"##,
            br#"<svg xmlns="http://www.w3.org/2000/svg"><rect fill="URL(http://h.example/x)"/></svg>"#,
            br#"<svg xmlns="http://www.w3.org/2000/svg"><style>rect{font-family:"/*"}svg{background:url(http://h.example/a.png)}rect{font-family:"*/"}</style></svg>"#,
            b"<svg xmlns=\"http://www.w3.org/2000/svg\"><rect style=\"cursor:\\75&#13;&#10;rl(http://h.example/c.png)\"/></svg>",
            b"<svg xmlns=\"http://www.w3.org/2000/svg\"><style>@\\69\r\nmport 'http://h.example/i.css';</style></svg>",
        ] {
            let p = check_svg(bad).unwrap_err();
            assert_eq!(p.code, Code::ImageUnsafe, "{}", String::from_utf8_lossy(bad));
        }
        let deep = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\">{}{}</svg>",
            "<g>".repeat(10_000),
            "</g>".repeat(10_000)
        );
        assert_eq!(
            check_svg(deep.as_bytes()).unwrap_err().code,
            Code::ImageInvalid
        );
        assert_eq!(
            check_svg(b"<svg><rect></svg>").unwrap_err().code,
            Code::ImageInvalid
        );
        assert_eq!(check_svg(b"<html/>").unwrap_err().code, Code::ImageInvalid);
    }
}
