#include "pconv/mask_batch.h"

#include "new_folder_guard.h"

#include "pconv/errors.h"
#include "pconv/image_io.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iomanip>
#include <set>
#include <sstream>

namespace fs = std::filesystem;

namespace pconv {
namespace {

std::string numbered(int index, int count) {
    const int digits = std::max(3, static_cast<int>(std::to_string(std::max(count - 1, 0)).size()));
    std::ostringstream s;
    s << std::setw(digits) << std::setfill('0') << index;
    return s.str();
}

void checkOutputFolder(const std::string& folder, const char* what) {
    if (folder.empty()) throw InvalidArgument(std::string(what) + " folder is not set");
    std::error_code ec;
    if (fs::exists(folder, ec) && !fs::is_directory(folder, ec)) throw FileError(folder, "exists and is not a folder");
}

std::vector<fs::path> photosIn(const std::string& folder) {
    checkFolderExists(folder, "image folder");
    const auto names = imageFilesIn(folder);
    std::vector<fs::path> files(names.begin(), names.end());
    if (files.empty()) throw FileError(folder, "no images found in the image folder");
    return files;
}

} // namespace

std::uint64_t batchMaskSeed(std::uint64_t seed, int index) {
    // splitmix64 of (seed, index): neighbouring seeds give unrelated masks.
    std::uint64_t z = seed + 0x9E3779B97F4A7C15ULL * (static_cast<std::uint64_t>(index) + 1);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

cv::Mat coverAndCrop(const cv::Mat& image, int width, int height) {
    const double scale = std::max(static_cast<double>(width) / image.cols, static_cast<double>(height) / image.rows);
    const int scaledW = std::max(width, static_cast<int>(std::ceil(image.cols * scale)));
    const int scaledH = std::max(height, static_cast<int>(std::ceil(image.rows * scale)));
    cv::Mat scaled;
    cv::resize(image, scaled, {scaledW, scaledH}, 0, 0, scale < 1.0 ? cv::INTER_AREA : cv::INTER_CUBIC);
    return scaled(cv::Rect((scaledW - width) / 2, (scaledH - height) / 2, width, height)).clone();
}

cv::Mat maskedSample(const cv::Mat& photo, const cv::Mat& holes) {
    CV_Assert(photo.size() == holes.size());
    cv::Mat masked = photo.clone();
    // Holes are black, and opaque where the photo has alpha: a transparent hole shows as the viewer's background.
    const double opaque = photo.depth() == CV_16U ? 65535.0 : photo.depth() == CV_32F ? 1.0 : 255.0;
    masked.setTo(photo.channels() == 4 ? cv::Scalar(0, 0, 0, opaque) : cv::Scalar::all(0), holes);
    cv::Mat sample;
    cv::hconcat(photo, masked, sample);
    return sample;
}

namespace {
std::string firstImageStartingWith(const std::string& folder, const std::string& prefix) {
    std::error_code ec;
    if (folder.empty() || !fs::is_directory(folder, ec)) return {};
    for (const auto& entry : fs::directory_iterator(folder, ec)) {
        const std::string name = entry.path().filename().string();
        if (entry.is_regular_file(ec) && hasImageExtension(name) && name.rfind(prefix, 0) == 0) return entry.path().string();
    }
    return {};
}
} // namespace

std::string earlierBatchFile(const MaskBatchOptions& options) {
    std::string found = firstImageStartingWith(options.maskFolder, "mask_");
    // (A sample folder that is the image folder holds photos, not samples: the batch refuses it itself.)
    if (found.empty() && !options.imageFolder.empty() && !sameFile(options.sampleFolder, options.imageFolder))
        found = firstImageStartingWith(options.sampleFolder, "");
    return found;
}

void checkMaskBatchOptions(const MaskBatchOptions& options) {
    if (options.count < 1) throw InvalidArgument("mask count must be at least 1");
    checkOutputFolder(options.maskFolder, "mask output");
    if (options.imageFolder.empty()) return;
    if (options.sampleFolder.empty()) throw InvalidArgument("an image folder needs a sample output folder too");
    // Written among the photos, masks and samples would be taken for photos by the next batch or training run.
    for (const auto& [folder, what] : {std::pair{options.sampleFolder, "the masked samples"}, std::pair{options.maskFolder, "the masks"}}) {
        if (sameFile(folder, options.imageFolder)) throw FileError(folder, std::string("is the image folder: choose another folder for ") + what);
        // Training searches a photo folder's subfolders too.
        if (isWithinFolder(folder, options.imageFolder))
            throw FileError(folder, "lies in the image folder " + options.imageFolder +
                                        ", whose subfolders training searches for photos: choose a folder outside it for " + what);
    }
    // A photo named mask.* would write its samples over the masks of its name.
    if (sameFile(options.sampleFolder, options.maskFolder))
        throw FileError(options.sampleFolder, "is also the mask folder: choose another folder for the masked samples");
    photosIn(options.imageFolder);
    checkOutputFolder(options.sampleFolder, "sample output");
}

MaskBatchResult generateMaskBatch(const MaskBatchOptions& options, const std::function<void(int, int)>& progress,
                                  const std::atomic<bool>* cancel) {
    // Every check before any folder is made: a refused batch leaves no empty folders behind.
    checkMaskBatchOptions(options);
    const std::vector<fs::path> photos = options.imageFolder.empty() ? std::vector<fs::path>{} : photosIn(options.imageFolder);
    const NewFolderGuard masksLeftEmpty(options.maskFolder);
    createFolder(options.maskFolder, "mask output folder");
    const NewFolderGuard samplesLeftEmpty(options.sampleFolder.empty() ? options.maskFolder : options.sampleFolder);
    if (!photos.empty()) createFolder(options.sampleFolder, "masked-sample folder");
    const int total = options.count * (1 + static_cast<int>(photos.size()));
    MaskBatchResult result;
    auto stopped = [&] { return cancel && cancel->load(); };
    // A skipped photo counts as its samples done, so the bar still ends full.
    auto filesDone = [&] { return result.masksWritten + result.samplesWritten + options.count * static_cast<int>(result.skippedPhotos.size()); };

    std::vector<cv::Mat> masks;
    for (int j = 0; j < options.count; ++j) {
        if (stopped()) return result.cancelled = true, result;
        std::mt19937_64 rng(batchMaskSeed(options.seed, j));
        GeneratedMask mask = generateMaskAcrossRange(options.generator, rng);
        if (cv::countNonZero(mask.holes) == 0) ++result.masksWithoutHoles;
        writeImageAtomic((fs::path(options.maskFolder) / ("mask_" + numbered(j, options.count) + ".png")).string(), mask.holes);
        ++result.masksWritten;
        if (!photos.empty()) masks.push_back(std::move(mask.holes));
        if (progress) progress(filesDone(), total);
    }
    std::set<std::string> stemsUsed;  // sea.jpg and sea.png: sea_000.png and sea-2_000.png, neither over the other
    for (const auto& photoPath : photos) {
        std::string stem = photoPath.stem().string();
        for (int n = 2; stemsUsed.count(stem); ++n) stem = photoPath.stem().string() + "-" + std::to_string(n);
        stemsUsed.insert(stem);
        cv::Mat photo;
        try {
            photo = coverAndCrop(readImage(photoPath.string()), options.generator.width, options.generator.height);
        } catch (const FileError& e) {
            result.skippedPhotos.push_back(e.what());
            if (progress) progress(filesDone(), total);
            continue;
        }
        for (int j = 0; j < options.count; ++j) {
            if (stopped()) return result.cancelled = true, result;
            const auto name = stem + "_" + numbered(j, options.count) + ".png";
            writeImageAtomic((fs::path(options.sampleFolder) / name).string(), maskedSample(photo, masks[j]));
            ++result.samplesWritten;
            if (progress) progress(filesDone(), total);
        }
    }
    // Every mask of this batch is a mask_* file: the rest are an earlier batch's (written among with --force).
    const auto inMaskFolder = imageFilesIn(options.maskFolder);
    result.earlierMasksLeft = static_cast<int>(std::count_if(inMaskFolder.begin(), inMaskFolder.end(), [](const std::string& path) {
                                  return fs::path(path).filename().string().rfind("mask_", 0) == 0;
                              })) - result.masksWritten;
    return result;
}

} // namespace pconv
