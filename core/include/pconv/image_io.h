#pragma once
// Reading images and masks from disk with clear errors, and atomic writes.
#include "pconv/photo_metadata.h"

#include <opencv2/core.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace pconv {

// Images above this many pixels are refused, from the header where it can be read
// (PNG, JPEG) before any pixel memory is allocated: a 100000x100000 header would
// otherwise try to allocate 30 GB. $PCONV_MAX_IMAGE_PIXELS overrides the default.
constexpr std::int64_t kDefaultMaxImagePixels = 200'000'000;
std::int64_t maxImagePixels();  // the default, or $PCONV_MAX_IMAGE_PIXELS

// Reads a photo as 8- or 16-bit, 1, 3 (BGR) or 4 (BGRA) channels.
// JPEGs get their EXIF orientation applied; alpha and 16-bit depth are kept.
// Throws FileError naming the file for missing, empty, unreadable, undecodable,
// oversized or unsupported-depth files.
cv::Mat readImage(const std::string& path, std::int64_t maxPixels = maxImagePixels());

// Reads a hole mask: any non-zero pixel is a hole (OpenCV's cv::inpaint and
// IOPaint's convention). Colour masks count a pixel as a hole when any colour
// channel is non-zero; a fully transparent pixel is never a hole. A mask whose colour
// is black everywhere but whose alpha varies (black strokes on a transparent layer)
// has its holes where it is opaque.
// Returns CV_8UC1 with 255 = hole, 0 = valid.
cv::Mat readMask(const std::string& path, std::int64_t maxPixels = maxImagePixels());

// Converts any 1/3/4-channel 8/16-bit mask to CV_8UC1 with 255 = hole.
cv::Mat binarizeMask(const cv::Mat& mask);

// The EXIF and ICC profile of a JPEG photo (see photo_metadata.h); empty for other formats.
// Throws FileError like readImage() when the file cannot be read.
PhotoMetadata readPhotoMetadata(const std::string& path);

// readImage() and readPhotoMetadata() from one read of the file: a photo whose result keeps its metadata.
struct Photo {
    cv::Mat image;
    PhotoMetadata metadata;
};
Photo readPhoto(const std::string& path, std::int64_t maxPixels = maxImagePixels());

// Encodes by the path's extension (png, jpg, webp, tiff, bmp ...) and writes to a
// temporary file beside the target, then renames it into place: a crash never
// leaves a half-written file under the final name. jpegQuality is 1..100.
// A JPEG gets `metadata` (the source photo's EXIF and colour profile); other formats drop it.
void writeImageAtomic(const std::string& path, const cv::Mat& image, int jpegQuality = 95, const PhotoMetadata& metadata = {});

// True when both paths name the same file or folder: other spellings and links included
// where both exist, the same absolute path where one does not exist yet.
bool sameFile(const std::string& a, const std::string& b);

// True when `inner` is `outer` or lies anywhere below it (after resolving both).
bool isWithinFolder(const std::string& inner, const std::string& outer);

// Makes the folder and its parents unless they exist. Throws FileError naming it, its
// role (`what`, e.g. "output folder") and the system's reason when it cannot.
void createFolder(const std::string& path, const std::string& what);

// Throws FileError unless path is an existing folder, saying whether it is missing or
// a file; `what` names the folder's role, e.g. "mask folder".
void checkFolderExists(const std::string& path, const std::string& what);

// Throws FileError unless a file could be written at path: its folder exists and path is
// not a folder. Lets a command refuse a bad output path before it does any work.
void checkWritablePath(const std::string& path);

// Writes bytes to a temporary file beside path, flushes it and renames it into place.
void writeFileAtomic(const std::string& path, const std::vector<unsigned char>& bytes);

// `colour` (1 or 3 channels) with the alpha channel of `alphaSource` (4 channels,
// same size and depth) appended: BGR -> BGRA keeping the original transparency.
cv::Mat attachAlpha(const cv::Mat& colour, const cv::Mat& alphaSource);

// True when the file extension names an image format OpenCV can read.
bool hasImageExtension(const std::string& path);

// True for a file whose name starts with a dot. Folder runs leave them out: macOS's "._photo.jpg"
// resource forks, copied along with photos, have an image's extension but hold none.
bool isHiddenFile(const std::string& path);

// The image files (hasImageExtension) directly in folder, hidden ones left out, sorted.
// Throws std::filesystem::filesystem_error when the folder cannot be listed.
std::vector<std::string> imageFilesIn(const std::string& folder);

// True when writeImageAtomic writes this format: .png, .jpg/.jpeg, .webp, .bmp, .tif/.tiff.
// OpenCV reads more (.jp2, .exr, .hdr, .pgm ...) but writes those lossy (JPEG 2000),
// as floats only (OpenEXR, Radiance) or grey only (.pgm, .pbm): not results to keep.
bool isWritableImageFormat(const std::string& path);

// Formats whose encoders take 8 bits only (JPEG, WebP, BMP): writeImageAtomic scales
// a 16-bit image down for them.
bool storesOnlyEightBits(const std::string& path);

// What writing `image` in path's format would lose, each as the end of a sentence about
// the image ("has an alpha channel, which .jpg cannot store; ..."), with the formats
// that would keep it; empty when nothing is lost.
std::vector<std::string> formatLosses(const cv::Mat& image, const std::string& path);

// Formats whose writer takes a quality setting (JPEG, WebP).
bool takesQuality(const std::string& path);

// ".jpg" for "Photo.JPG"; empty when there is no extension.
std::string lowercaseExtension(const std::string& path);

} // namespace pconv
