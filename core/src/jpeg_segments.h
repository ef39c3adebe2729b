#pragma once
// The marker segments of a JPEG header (everything before the compressed scan), for
// reading the frame size and carrying metadata segments from a photo to its result.
#include <cstddef>
#include <vector>

namespace pconv {

bool isJpeg(const std::vector<unsigned char>& bytes);

struct JpegSegment {
    unsigned char marker = 0;  // the byte after 0xFF: 0xE0 APP0, 0xE1 APP1, 0xC0 SOF0 ...
    std::size_t offset = 0;    // of the 0xFF
    std::size_t size = 0;      // marker and length field included
};

// SOI's followers up to, not including, the start of scan; stops early at anything malformed.
std::vector<JpegSegment> jpegHeaderSegments(const std::vector<unsigned char>& bytes);

} // namespace pconv
