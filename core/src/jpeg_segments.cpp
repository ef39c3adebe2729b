#include "jpeg_segments.h"

namespace pconv {

bool isJpeg(const std::vector<unsigned char>& bytes) {
    return bytes.size() > 3 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF;
}

std::vector<JpegSegment> jpegHeaderSegments(const std::vector<unsigned char>& b) {
    std::vector<JpegSegment> segments;
    if (!isJpeg(b)) return segments;
    std::size_t i = 2;
    while (i + 4 <= b.size() && b[i] == 0xFF) {
        const unsigned char marker = b[i + 1];
        if (marker == 0xFF) {  // fill byte
            ++i;
            continue;
        }
        if (marker == 0xDA || marker == 0xD9) break;  // start of scan, end of image
        const std::size_t size = 2 + (static_cast<std::size_t>(b[i + 2]) << 8 | b[i + 3]);
        if (size < 4 || i + size > b.size()) break;
        segments.push_back({marker, i, size});
        i += size;
    }
    return segments;
}

} // namespace pconv
