#pragma once
// Batch generation of training masks, and of masked training samples from a
// folder of photos (the seed project's config_im_mask.py, done right).
#include "pconv/mask_generator.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace pconv {

struct MaskBatchOptions {
    int count = 10;
    MaskGeneratorOptions generator;  // size, units, optional hole-ratio range
    std::uint64_t seed = 0;
    std::string maskFolder;          // written as mask_<j>.png, 255 = hole
    std::string imageFolder;         // optional: photos to mask
    std::string sampleFolder;        // with imageFolder: <stem>_<j>.png = [photo | masked photo] (<stem>-2_<j>.png for a second photo of that stem)
};

struct MaskBatchResult {
    int masksWritten = 0;
    int samplesWritten = 0;
    bool cancelled = false;
    std::vector<std::string> skippedPhotos;  // "<file>: <why>" for each photo that could not be read
    int masksWithoutHoles = 0;  // a hole-ratio range near 0 or a single tiny unit draws nothing
    int earlierMasksLeft = 0;   // mask_* images of an earlier batch still beside the new ones (a finished batch)
};

// progress(done, total) is called after every file; set *cancel to stop early.
// An unreadable photo is skipped (and listed), not the end of the batch.
// Throws FileError / InvalidArgument for bad folders or options.
MaskBatchResult generateMaskBatch(const MaskBatchOptions& options,
                                  const std::function<void(int done, int total)>& progress = {},
                                  const std::atomic<bool>* cancel = nullptr);

// The first file a new batch would mix with or overwrite: a mask_* image in the mask
// folder, or any image in the sample folder. Empty when there is none.
std::string earlierBatchFile(const MaskBatchOptions& options);

// Throws what generateMaskBatch would refuse the options for (InvalidArgument, FileError),
// without writing anything: a caller can check them before asking about an earlier batch.
void checkMaskBatchOptions(const MaskBatchOptions& options);

// The seed used for mask j of a batch started with `seed`.
std::uint64_t batchMaskSeed(std::uint64_t seed, int index);

// Scales a photo to cover width x height and crops the centre (no distortion).
cv::Mat coverAndCrop(const cv::Mat& image, int width, int height);

// [photo | photo with holes blacked out], side by side (the seed's sample layout).
cv::Mat maskedSample(const cv::Mat& photo, const cv::Mat& holes);

} // namespace pconv
