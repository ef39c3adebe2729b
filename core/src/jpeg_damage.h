#pragma once
// Damage inside a JPEG's compressed data, which OpenCV decodes anyway: libjpeg only warns
// on stderr and fills the rest of the image with grey or smears, and the caller gets a
// "good" image. Reading the file's coefficients once with libjpeg finds it.
#include <string>
#include <vector>

namespace pconv {

// libjpeg's words for the first sign of damage ("Corrupt JPEG data: premature end of data
// segment"), or empty when the compressed data reads cleanly.
std::string jpegDamage(const std::vector<unsigned char>& bytes);

} // namespace pconv
