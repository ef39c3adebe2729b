#include "pconv/image_io.h"
#include "pconv/pending_temp_files.h"

#include "jpeg_damage.h"
#include "jpeg_segments.h"
#include "pconv/errors.h"

#include <opencv2/core/utils/logger.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <future>
#include <random>
#include <unistd.h>

namespace fs = std::filesystem;

namespace pconv {
namespace {

std::vector<unsigned char> readAllBytes(const std::string& path) {
    std::error_code ec;
    const auto status = fs::status(path, ec);
    if (ec || !fs::exists(status)) throw FileError(path, "no such file");
    if (fs::is_directory(status)) throw FileError(path, "is a directory, expected a file");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw FileError(path, std::string("cannot open for reading: ") + std::strerror(errno));
    std::vector<unsigned char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) throw FileError(path, "read error");
    if (bytes.empty()) throw FileError(path, "file is empty");
    return bytes;
}

// Width and height from a TIFF's first image directory; {0, 0} when unreadable.
std::pair<std::int64_t, std::int64_t> tiffSize(const std::vector<unsigned char>& b) {
    const bool little = b[0] == 'I';
    auto u16 = [&](size_t i) -> std::int64_t { return i + 2 > b.size() ? 0 : little ? b[i] | b[i + 1] << 8 : b[i] << 8 | b[i + 1]; };
    auto u32 = [&](size_t i) -> std::int64_t { return little ? u16(i) | u16(i + 2) << 16 : u16(i) << 16 | u16(i + 2); };
    const auto directory = static_cast<size_t>(u32(4));
    std::int64_t width = 0, height = 0;
    for (std::int64_t e = 0, n = u16(directory); e < n; ++e) {
        const size_t entry = directory + 2 + static_cast<size_t>(e) * 12;
        const std::int64_t tag = u16(entry), value = u16(entry + 2) == 3 ? u16(entry + 8) : u32(entry + 8);  // SHORT or LONG
        if (tag == 256) width = value;
        if (tag == 257) height = value;
    }
    return {width, height};
}

// Width and height from a PNG, JPEG, BMP, WebP or TIFF header, so an absurd size is refused
// before any pixel memory is allocated (and before a decoder's own limits print noise).
// {0, 0} when the format is not recognised.
std::pair<std::int64_t, std::int64_t> headerSize(const std::vector<unsigned char>& b) {
    auto be16 = [&](size_t i) { return static_cast<std::int64_t>(b[i]) << 8 | b[i + 1]; };
    auto be32 = [&](size_t i) { return be16(i) << 16 | be16(i + 2); };
    auto le16 = [&](size_t i) { return static_cast<std::int64_t>(b[i]) | static_cast<std::int64_t>(b[i + 1]) << 8; };
    auto le24 = [&](size_t i) { return le16(i) | static_cast<std::int64_t>(b[i + 2]) << 16; };
    auto starts = [&](const char* text, size_t at = 0) { return b.size() >= at + std::strlen(text) && std::equal(text, text + std::strlen(text), b.begin() + static_cast<std::ptrdiff_t>(at)); };
    static const unsigned char png[] = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
    if (b.size() >= 24 && std::equal(std::begin(png), std::end(png), b.begin()) && b[12] == 'I' && b[13] == 'H' && b[14] == 'D' && b[15] == 'R')
        return {be32(16), be32(20)};
    if (b.size() >= 26 && starts("BM")) {  // BITMAPINFOHEADER: signed 32-bit width and height (negative = top-down)
        const auto width = static_cast<std::int32_t>(le16(18) | le16(20) << 16), height = static_cast<std::int32_t>(le16(22) | le16(24) << 16);
        return {std::abs(static_cast<std::int64_t>(width)), std::abs(static_cast<std::int64_t>(height))};
    }
    if (b.size() >= 30 && starts("RIFF") && starts("WEBP", 8)) {
        if (starts("VP8X", 12)) return {le24(24) + 1, le24(27) + 1};
        if (starts("VP8L", 12)) return {(le16(21) & 0x3FFF) + 1, ((le16(22) >> 6) | (static_cast<std::int64_t>(b[24] & 0x0F) << 10)) + 1};
        if (starts("VP8 ", 12)) return {le16(26) & 0x3FFF, le16(28) & 0x3FFF};
    }
    if (b.size() >= 8 && ((b[0] == 'I' && b[1] == 'I' && b[2] == 42 && b[3] == 0) || (b[0] == 'M' && b[1] == 'M' && b[2] == 0 && b[3] == 42)))
        return tiffSize(b);
    for (const auto& segment : jpegHeaderSegments(b)) {
        const unsigned char m = segment.marker;
        const bool startOfFrame = m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC;
        if (startOfFrame && segment.size >= 9) return {be16(segment.offset + 7), be16(segment.offset + 5)};
    }
    return {0, 0};
}

// PNG and JPEG files end with a marker (IEND, EOI). Checking for it first gives a
// clear "truncated" error instead of libpng/libjpeg noise on stderr and, for JPEG,
// a silently grey-filled image.
void checkComplete(const std::string& path, const std::vector<unsigned char>& b) {
    static const unsigned char pngSignature[] = {0x89, 'P', 'N', 'G'};
    auto contains = [&](const std::vector<unsigned char>& tail) {
        return std::search(b.rbegin(), b.rend(), tail.rbegin(), tail.rend()) != b.rend();
    };
    if (b.size() >= 8 && std::equal(std::begin(pngSignature), std::end(pngSignature), b.begin()) && !contains({'I', 'E', 'N', 'D'}))
        throw FileError(path, "truncated PNG (no IEND chunk): the file is incomplete");
    if (isJpeg(b) && !contains({0xFF, 0xD9})) throw FileError(path, "truncated JPEG (no end-of-image marker): the file is incomplete");
}

// Formats people have photos in that this OpenCV has no decoder for, told by their magic
// bytes, so that a good file is not called corrupt. Empty when the format is not one of them.
std::string unreadableFormat(const std::vector<unsigned char>& b) {
    auto startsWith = [&](std::size_t at, const std::string& text) {
        return b.size() >= at + text.size() && std::equal(text.begin(), text.end(), b.begin() + static_cast<std::ptrdiff_t>(at));
    };
    if (startsWith(0, "GIF87a") || startsWith(0, "GIF89a")) return "GIF";
    // ISO base media files: a 'ftyp' box first, whose brand says HEIF (iPhone photos) or AVIF.
    if (startsWith(4, "ftyp")) {
        for (const char* brand : {"avif", "avis"})
            if (startsWith(8, brand)) return "AVIF";
        for (const char* brand : {"heic", "heix", "hevc", "heim", "heis", "mif1", "msf1"})
            if (startsWith(8, brand)) return "HEIF/HEIC";
    }
    return {};
}

cv::Mat decode(const std::string& path, const std::vector<unsigned char>& bytes, std::int64_t maxPixels) {
    if (const std::string format = unreadableFormat(bytes); !format.empty())
        throw FileError(path, "is a " + format + " image, which this program cannot read: convert it to PNG or JPEG first");
    checkComplete(path, bytes);
    const auto [width, height] = headerSize(bytes);
    if (width > 0 && height > 0 && width * height > maxPixels)
        throw FileError(path, "is " + std::to_string(width) + "x" + std::to_string(height) + " pixels, above the limit of " +
                                  std::to_string(maxPixels) + " pixels (set PCONV_MAX_IMAGE_PIXELS to raise it)");
    // After the size check: reading the coefficients of a huge image takes memory. The check
    // costs about 80 % of a decode, so it runs on another thread while OpenCV decodes.
    std::future<std::string> damage;
    if (isJpeg(bytes)) damage = std::async(std::launch::async, [&bytes] { return jpegDamage(bytes); });
    auto refuseIfDamaged = [&] {
        if (!damage.valid()) return;
        if (const std::string words = damage.get(); !words.empty())
            throw FileError(path, "damaged JPEG data (" + words + "): part of the image would come out grey or smeared");
    };
    // JPEG has no alpha, so decode it with orientation applied; other formats are
    // decoded unchanged so that alpha and 16-bit depth survive.
    const int flags = isJpeg(bytes) ? (cv::IMREAD_ANYCOLOR | cv::IMREAD_ANYDEPTH) : cv::IMREAD_UNCHANGED;
    // Every decoding failure becomes one FileError below; OpenCV's own log lines for it
    // ("imdecode_(''): can't read header: ...") would only repeat it, over several lines.
    static const bool quiet = (cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_SILENT), true);
    (void)quiet;
    cv::Mat image;
    try {
        image = cv::imdecode(bytes, flags);
    } catch (const cv::Exception& e) {
        refuseIfDamaged();  // the more specific of the two reasons
        // e.err is the decoder's own words, without OpenCV's version, source file and line.
        throw FileError(path, "cannot decode image: " + (e.err.empty() ? firstLine(e.what()) : e.err));
    }
    refuseIfDamaged();
    if (image.empty()) {
        // OpenCV tells a format it knows by its first bytes: none matching is a file that
        // is not an image at all (a text file named .jpg), not a damaged one.
        if (!cv::haveImageReader(path))
            throw FileError(path, "cannot decode image: this is not an image file (its contents match no image format this "
                                  "program reads, such as JPEG, PNG, TIFF, BMP or WebP)");
        throw FileError(path, "cannot decode image (truncated or corrupt, or over OpenCV's ~1 gigapixel limit)");
    }
    if (static_cast<std::int64_t>(image.total()) > maxPixels)
        throw FileError(path, "is " + std::to_string(image.cols) + "x" + std::to_string(image.rows) + " pixels, above the limit of " +
                                  std::to_string(maxPixels) + " pixels (set PCONV_MAX_IMAGE_PIXELS to raise it)");
    return image;
}

// A decoded photo of a depth and channel count the rest of the program handles.
cv::Mat decodePhoto(const std::string& path, const std::vector<unsigned char>& bytes, std::int64_t maxPixels) {
    cv::Mat image = decode(path, bytes, maxPixels);
    const int depth = image.depth();
    if (depth != CV_8U && depth != CV_16U)
        throw FileError(path, "unsupported pixel depth (only 8-bit and 16-bit images are supported)");
    const int channels = image.channels();
    if (channels != 1 && channels != 3 && channels != 4)
        throw FileError(path, "unsupported channel count " + std::to_string(channels) + " (expected 1, 3 or 4)");
    return image;
}

} // namespace

std::int64_t maxImagePixels() {
    const char* env = std::getenv("PCONV_MAX_IMAGE_PIXELS");
    if (!env || !*env) return kDefaultMaxImagePixels;
    // A mistyped limit is said, not replaced by the default without a word.
    char* end = nullptr;
    errno = 0;
    const long long value = std::strtoll(env, &end, 10);
    if (*end != '\0' || value <= 0 || errno == ERANGE)
        throw InvalidArgument(std::string("PCONV_MAX_IMAGE_PIXELS is '") + env + "': give a whole number of pixels above 0, or unset it");
    return value;
}

cv::Mat readImage(const std::string& path, std::int64_t maxPixels) { return decodePhoto(path, readAllBytes(path), maxPixels); }

Photo readPhoto(const std::string& path, std::int64_t maxPixels) {
    const auto bytes = readAllBytes(path);
    return {decodePhoto(path, bytes, maxPixels), jpegMetadata(bytes)};
}

cv::Mat binarizeMask(const cv::Mat& mask) {
    if (mask.empty()) throw InvalidArgument("mask is empty");
    const int channels = mask.channels();
    if (channels != 1 && channels != 3 && channels != 4)
        throw InvalidArgument("mask has " + std::to_string(channels) + " channels, expected 1, 3 or 4");
    std::vector<cv::Mat> planes;
    cv::split(mask, planes);
    cv::Mat colourMax = planes[0].clone();
    for (int c = 1; c < std::min(channels, 3); ++c) cv::max(colourMax, planes[c], colourMax);
    cv::Mat hole = colourMax != 0;  // CV_8U, 255 where true
    if (channels == 4) {
        const cv::Mat opaque = planes[3] != 0;
        // Black strokes on a transparent layer: the alpha channel alone draws the holes.
        const bool alphaDrawn = cv::countNonZero(hole) == 0 && cv::countNonZero(opaque) < static_cast<int>(opaque.total());
        hole = alphaDrawn ? opaque : (hole & opaque);
    }
    return hole;
}

cv::Mat readMask(const std::string& path, std::int64_t maxPixels) {
    const cv::Mat raw = decode(path, readAllBytes(path), maxPixels);
    try {
        return binarizeMask(raw);
    } catch (const Error& e) {
        throw FileError(path, std::string("not a usable mask: ") + e.what());
    }
}

namespace {
fs::path folderOf(const fs::path& target) { return target.has_parent_path() ? target.parent_path() : fs::path("."); }
} // namespace

bool sameFile(const std::string& a, const std::string& b) {
    std::error_code ec;
    if (fs::exists(a, ec) && fs::exists(b, ec)) return fs::equivalent(a, b, ec);
    // Not both there yet (an output folder to be created): the same place by name.
    auto place = [&ec](const std::string& path) {
        fs::path p = fs::weakly_canonical(fs::absolute(path, ec), ec);
        return p.has_filename() ? p : p.parent_path();  // "out/" and "out" alike
    };
    return !a.empty() && !b.empty() && place(a) == place(b) && !ec;
}

bool isWithinFolder(const std::string& inner, const std::string& outer) {
    std::error_code ec;
    const fs::path in = fs::weakly_canonical(fs::absolute(inner, ec), ec), out = fs::weakly_canonical(fs::absolute(outer, ec), ec);
    if (ec) return false;
    // Component-wise prefix, so that /a/bc is not taken to lie within /a/b.
    auto o = out.begin(), i = in.begin();
    for (; o != out.end() && i != in.end(); ++o, ++i)
        if (*o != *i) return false;
    // A trailing separator leaves an empty last component on `out`.
    return o == out.end() || (std::next(o) == out.end() && o->empty());
}

void createFolder(const std::string& path, const std::string& what) {
    std::error_code ec;
    fs::create_directories(path, ec);
    // Checked by what is there, not by ec alone: a file of that name is no folder either.
    if (!fs::is_directory(path)) throw FileError(path, "cannot create the " + what + (ec ? ": " + ec.message() : std::string()));
}

void checkFolderExists(const std::string& path, const std::string& what) {
    std::error_code ec;
    if (fs::is_directory(path, ec)) return;
    if (fs::exists(path, ec)) throw FileError(path, "is a file, but the " + what + " must be a folder");
    throw FileError(path, what + " does not exist");
}

void checkWritablePath(const std::string& path) {
    if (path.empty()) throw FileError("''", "cannot write: the file name is empty");
    const fs::path target(path), dir = folderOf(target);
    std::error_code ec;
    if (!fs::is_directory(dir, ec))
        throw FileError(path, "cannot write: '" + dir.string() + (fs::exists(dir, ec) ? "' is a file, not a folder" : "' does not exist"));
    if (fs::is_directory(target, ec)) throw FileError(path, "cannot write: a folder has that name");
    // Said before a long job, not after it: the file is written beside itself, then renamed.
    if (::access(dir.c_str(), W_OK | X_OK) != 0)
        throw FileError(path, "cannot write: folder '" + dir.string() + "' is not writable (" + std::strerror(errno) + ")");
}

void writeFileAtomic(const std::string& path, const std::vector<unsigned char>& bytes) {
    checkWritablePath(path);
    const fs::path target(path), dir = folderOf(target);
    std::error_code ec;

    std::random_device rd;
    const fs::path temp = dir / ("." + target.filename().string() + ".tmp" + std::to_string(rd() % 1000000));
    // Removed by a signal handler if the process is stopped before the rename.
    struct Remembered {
        int slot;
        ~Remembered() { forgetTempFile(slot); }
    } remembered{rememberTempFile(temp.string())};
    std::FILE* f = std::fopen(temp.c_str(), "wb");
    if (!f) throw FileError(path, std::string("cannot write: ") + std::strerror(errno));
    const bool wrote = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
    const bool flushed = std::fflush(f) == 0 && ::fsync(fileno(f)) == 0;
    const int savedErrno = errno;
    std::fclose(f);
    if (!wrote || !flushed) {
        fs::remove(temp, ec);
        throw FileError(path, std::string("cannot write: ") + std::strerror(savedErrno));
    }
    fs::rename(temp, target, ec);
    if (ec) {
        const std::string reason = ec.message();  // before remove() reuses ec
        fs::remove(temp, ec);
        throw FileError(path, "cannot move the written file into place: " + reason);
    }
}

PhotoMetadata readPhotoMetadata(const std::string& path) { return jpegMetadata(readAllBytes(path)); }

void writeImageAtomic(const std::string& path, const cv::Mat& image, int jpegQuality, const PhotoMetadata& metadata) {
    if (image.empty()) throw FileError(path, "refusing to write an empty image");
    const std::string ext = lowercaseExtension(path);
    if (ext.empty()) throw FileError(path, "no file extension: cannot tell which image format to write (use .png or .jpg)");
    if (!isWritableImageFormat(path)) throw FileError(path, "cannot write images as " + ext + ": use .png, .jpg, .webp, .bmp or .tif");
    std::vector<int> params;
    if (ext == ".jpg" || ext == ".jpeg") params = {cv::IMWRITE_JPEG_QUALITY, std::clamp(jpegQuality, 1, 100)};
    // WebP at quality 100 is still lossy; above 100 libwebp stores it losslessly, which is what 100 should mean.
    if (ext == ".webp") params = {cv::IMWRITE_WEBP_QUALITY, jpegQuality >= 100 ? 101 : std::clamp(jpegQuality, 1, 100)};

    cv::Mat toWrite = image;
    // JPEG and WebP encoders take 8-bit only: scale 16-bit down rather than fail.
    if (image.depth() == CV_16U && storesOnlyEightBits(path))
        image.convertTo(toWrite, CV_8U, 1.0 / 257.0);
    std::vector<unsigned char> bytes;
    try {
        if (!cv::imencode(ext, toWrite, bytes, params)) throw FileError(path, "cannot encode image as " + ext);
    } catch (const cv::Exception& e) {
        throw FileError(path, "cannot encode image as " + ext + ": " + firstLine(e.what()));
    }
    writeFileAtomic(path, ext == ".jpg" || ext == ".jpeg" ? withMetadata(bytes, metadata) : bytes);
}

cv::Mat attachAlpha(const cv::Mat& colour, const cv::Mat& alphaSource) {
    CV_Assert(alphaSource.channels() == 4 && colour.size() == alphaSource.size() && colour.depth() == alphaSource.depth());
    std::vector<cv::Mat> planes;
    cv::split(colour, planes);
    cv::Mat alpha;
    cv::extractChannel(alphaSource, alpha, 3);
    planes.push_back(alpha);
    cv::Mat merged;
    cv::merge(planes, merged);
    return merged;
}

std::string lowercaseExtension(const std::string& path) {
    std::string ext = fs::path(path).extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
    return ext;
}

bool storesOnlyEightBits(const std::string& path) {
    const std::string ext = lowercaseExtension(path);
    return ext == ".jpg" || ext == ".jpeg" || ext == ".webp" || ext == ".bmp";
}

std::vector<std::string> formatLosses(const cv::Mat& image, const std::string& path) {
    const std::string ext = lowercaseExtension(path);
    std::vector<std::string> losses;
    if (image.depth() == CV_16U && storesOnlyEightBits(path))
        losses.push_back("is 16-bit, but " + ext + " stores 8 bits; write .png or .tif to keep 16");
    // The formats OpenCV writes with an alpha channel.
    const bool keepsAlpha = ext == ".png" || ext == ".webp" || ext == ".tif" || ext == ".tiff";
    if (image.channels() == 4 && !keepsAlpha)
        losses.push_back("has an alpha channel, which " + ext + " cannot store; write .png, .webp or .tif to keep it");
    return losses;
}

bool takesQuality(const std::string& path) {
    const std::string ext = lowercaseExtension(path);
    return ext == ".jpg" || ext == ".jpeg" || ext == ".webp";
}

bool isWritableImageFormat(const std::string& path) {
    const std::string ext = lowercaseExtension(path);
    static const char* writable[] = {".png", ".jpg", ".jpeg", ".webp", ".bmp", ".tif", ".tiff"};
    return std::any_of(std::begin(writable), std::end(writable), [&](const char* w) { return ext == w; });
}

bool hasImageExtension(const std::string& path) {
    const std::string ext = lowercaseExtension(path);
    static const char* known[] = {".png", ".jpg", ".jpeg", ".webp", ".bmp", ".tif", ".tiff", ".pgm", ".ppm", ".pbm", ".pnm", ".jp2", ".exr", ".hdr"};
    return std::any_of(std::begin(known), std::end(known), [&](const char* k) { return ext == k; });
}

bool isHiddenFile(const std::string& path) {
    const std::string name = std::filesystem::path(path).filename().string();
    return !name.empty() && name[0] == '.';
}

std::vector<std::string> imageFilesIn(const std::string& folder) {
    std::vector<std::string> files;
    for (const auto& entry : std::filesystem::directory_iterator(folder)) {
        const std::string path = entry.path().string();
        if (entry.is_regular_file() && hasImageExtension(path) && !isHiddenFile(path)) files.push_back(path);
    }
    std::sort(files.begin(), files.end());
    return files;
}

} // namespace pconv
