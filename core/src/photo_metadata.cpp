#include "pconv/photo_metadata.h"

#include "jpeg_segments.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <optional>

namespace pconv {
namespace {

constexpr unsigned char kApp0 = 0xE0, kApp1 = 0xE1, kApp2 = 0xE2;
constexpr std::size_t kSegmentHeader = 4;  // 0xFF, marker, 16-bit length

bool startsWith(const std::vector<unsigned char>& b, std::size_t offset, const char* prefix, std::size_t length) {
    return offset + length <= b.size() && std::memcmp(b.data() + offset, prefix, length) == 0;
}

// A TIFF structure (the body of an EXIF segment) in its own byte order, every access bounds-checked.
class TiffView {
public:
    TiffView(std::vector<unsigned char>& bytes, std::size_t start) : b_(bytes), start_(start) {}

    bool valid() const {
        if (start_ + 8 > b_.size()) return false;
        const bool intel = b_[start_] == 'I' && b_[start_ + 1] == 'I', motorola = b_[start_] == 'M' && b_[start_ + 1] == 'M';
        return (intel || motorola) && read16(2) == 42;
    }
    std::optional<std::uint32_t> u16(std::size_t at) const { return fits(at, 2) ? std::optional<std::uint32_t>(read16(at)) : std::nullopt; }
    std::optional<std::uint32_t> u32(std::size_t at) const { return fits(at, 4) ? std::optional<std::uint32_t>(read32(at)) : std::nullopt; }
    bool set16(std::size_t at, std::uint32_t value) {
        if (!fits(at, 2)) return false;
        put(at, value, 2);
        return true;
    }
    bool set32(std::size_t at, std::uint32_t value) {
        if (!fits(at, 4)) return false;
        put(at, value, 4);
        return true;
    }
    bool zero(std::size_t at, std::size_t length) {
        if (!fits(at, length)) return false;
        std::fill_n(b_.begin() + static_cast<std::ptrdiff_t>(start_ + at), length, 0);
        return true;
    }

private:
    bool bigEndian() const { return b_[start_] == 'M'; }
    bool fits(std::size_t at, std::size_t length) const { return start_ + at + length <= b_.size() && at + length >= at; }
    std::uint32_t read16(std::size_t at) const {
        const unsigned char* p = b_.data() + start_ + at;
        return bigEndian() ? (p[0] << 8 | p[1]) : (p[1] << 8 | p[0]);
    }
    std::uint32_t read32(std::size_t at) const {
        return bigEndian() ? (read16(at) << 16 | read16(at + 2)) : (read16(at + 2) << 16 | read16(at));
    }
    void put(std::size_t at, std::uint32_t value, int length) {
        for (int k = 0; k < length; ++k) {
            const int shift = 8 * (bigEndian() ? length - 1 - k : k);
            b_[start_ + at + static_cast<std::size_t>(k)] = static_cast<unsigned char>(value >> shift);
        }
    }

    std::vector<unsigned char>& b_;
    std::size_t start_;
};

constexpr std::uint32_t kOrientation = 0x0112, kThumbnailOffset = 0x0201, kThumbnailLength = 0x0202, kTypeShort = 3;

// Orientation 1 in IFD0; the thumbnail (IFD1) blanked and unlinked. False when the structure is broken.
bool sanitizeExif(std::vector<unsigned char>& segment) {
    TiffView tiff(segment, kSegmentHeader + 6);  // after "Exif\0\0"
    if (!tiff.valid()) return false;
    const auto ifd0 = tiff.u32(4);
    const auto entries0 = ifd0 ? tiff.u16(*ifd0) : std::nullopt;
    if (!entries0) return false;
    for (std::uint32_t i = 0; i < *entries0; ++i) {
        const std::size_t entry = *ifd0 + 2 + 12 * static_cast<std::size_t>(i);
        const auto tag = tiff.u16(entry), type = tiff.u16(entry + 2);
        if (!tag || !type) return false;
        if (*tag == kOrientation && *type == kTypeShort && !tiff.set16(entry + 8, 1)) return false;
    }
    const std::size_t nextPointer = *ifd0 + 2 + 12 * static_cast<std::size_t>(*entries0);
    const auto ifd1 = tiff.u32(nextPointer);
    if (!ifd1) return false;
    if (*ifd1 == 0) return true;
    const auto entries1 = tiff.u16(*ifd1);
    if (!entries1) return false;
    std::optional<std::uint32_t> thumbOffset, thumbLength;
    for (std::uint32_t i = 0; i < *entries1; ++i) {
        const std::size_t entry = *ifd1 + 2 + 12 * static_cast<std::size_t>(i);
        const auto tag = tiff.u16(entry);
        if (!tag) return false;
        if (*tag == kThumbnailOffset) thumbOffset = tiff.u32(entry + 8);
        if (*tag == kThumbnailLength) thumbLength = tiff.u32(entry + 8);
    }
    if (thumbOffset && thumbLength && !tiff.zero(*thumbOffset, *thumbLength)) return false;
    return tiff.set32(nextPointer, 0);
}

// The ICC profile's colour space (header bytes 16-19, in the chunk numbered 1). The pixels
// are decoded to RGB (or stay grey), so a CMYK or Lab profile no longer describes them:
// carried over, it would make colour-managed viewers show a colour negative.
bool iccProfileFitsDecodedPixels(const std::vector<unsigned char>& bytes, const std::vector<JpegSegment>& segments) {
    constexpr std::size_t kChunkHeader = 12 + 2;  // "ICC_PROFILE\0", chunk number, chunk count
    for (const auto& s : segments) {
        const std::size_t data = s.offset + kSegmentHeader;
        if (s.marker != kApp2 || !startsWith(bytes, data, "ICC_PROFILE\0", 12) || s.size < kSegmentHeader + kChunkHeader + 20) continue;
        if (bytes[data + 12] != 1) continue;
        const std::size_t colourSpace = data + kChunkHeader + 16;
        return startsWith(bytes, colourSpace, "RGB ", 4) || startsWith(bytes, colourSpace, "GRAY", 4);
    }
    return false;
}

} // namespace

PhotoMetadata jpegMetadata(const std::vector<unsigned char>& fileBytes) {
    PhotoMetadata metadata;
    const auto segments = jpegHeaderSegments(fileBytes);
    const bool keepProfile = iccProfileFitsDecodedPixels(fileBytes, segments);
    for (const auto& s : segments) {
        const bool exif = s.marker == kApp1 && startsWith(fileBytes, s.offset + kSegmentHeader, "Exif\0\0", 6);
        const bool icc = s.marker == kApp2 && startsWith(fileBytes, s.offset + kSegmentHeader, "ICC_PROFILE\0", 12);
        if (!exif && !(icc && keepProfile)) continue;
        std::vector<unsigned char> segment(fileBytes.begin() + static_cast<std::ptrdiff_t>(s.offset),
                                           fileBytes.begin() + static_cast<std::ptrdiff_t>(s.offset + s.size));
        if (exif && !sanitizeExif(segment)) continue;
        metadata.jpegSegments.push_back(std::move(segment));
    }
    return metadata;
}

std::vector<unsigned char> withMetadata(const std::vector<unsigned char>& jpeg, const PhotoMetadata& metadata) {
    if (metadata.empty() || !isJpeg(jpeg)) return jpeg;
    const auto segments = jpegHeaderSegments(jpeg);
    std::size_t insertAt = 2;  // after SOI
    if (!segments.empty() && segments.front().marker == kApp0) insertAt = segments.front().offset + segments.front().size;
    std::vector<unsigned char> out(jpeg.begin(), jpeg.begin() + static_cast<std::ptrdiff_t>(insertAt));
    for (const auto& segment : metadata.jpegSegments) out.insert(out.end(), segment.begin(), segment.end());
    out.insert(out.end(), jpeg.begin() + static_cast<std::ptrdiff_t>(insertAt), jpeg.end());
    return out;
}

} // namespace pconv
