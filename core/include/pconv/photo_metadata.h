#pragma once
// What a JPEG photo carries besides its pixels, carried over to the inpainted result:
// the EXIF block (camera, date, GPS ...) and the ICC colour profile. Torch-free.
#include <vector>

namespace pconv {

struct PhotoMetadata {
    // Whole APP1 "Exif" and APP2 "ICC_PROFILE" segments (marker and length included), in file order.
    std::vector<std::vector<unsigned char>> jpegSegments;
    bool empty() const { return jpegSegments.empty(); }
};

// The metadata of a file's bytes: empty unless it is a JPEG. The EXIF orientation is set to 1
// (readImage() turns the pixels upright) and the EXIF thumbnail is blanked and unlinked: it
// still shows what the inpainting removed. EXIF that cannot be parsed is left out.
PhotoMetadata jpegMetadata(const std::vector<unsigned char>& fileBytes);

// JPEG bytes with the metadata segments inserted after SOI (after the JFIF APP0 when it is first).
// Bytes that are not a JPEG come back unchanged.
std::vector<unsigned char> withMetadata(const std::vector<unsigned char>& jpeg, const PhotoMetadata& metadata);

} // namespace pconv
