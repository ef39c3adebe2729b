#pragma once
// The paper's evaluation protocol: methods compared by hole-ratio bucket
// (0.01-0.1, 0.1-0.2, ..., 0.5-0.6) with mean L1 (%), PSNR and SSIM over whole
// 8-bit images. Torch-free.
#include "pconv/inpainter.h"
#include "pconv/mask_generator.h"

#include <opencv2/core.hpp>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace pconv {

// The paper's six buckets.
std::vector<HoleRatioRange> paperBuckets();

// One test case: a photo and its holes (same size).
struct EvalCase {
    std::string name;
    cv::Mat image;  // 8-bit, 1 or 3 channels (converted on load)
    cv::Mat holes;  // CV_8UC1, non-zero = hole
    // Generated cases: the photo the crop was cut from, and whether the photo was smaller
    // than the crop size, so that the crop was upscaled (smoother, so easier to fill).
    std::string sourcePhoto;
    bool upscaled = false;
};

// Images and masks from folders: paired by file stem when every image has a
// same-stem mask, otherwise image i (sorted) with mask i mod count (sorted); warn() is
// told when those counts differ (masks reused, or left over). Sizes must match. Throws FileError.
std::vector<EvalCase> loadEvalCases(const std::string& imageFolder, const std::string& maskFolder,
                                    const std::function<void(const std::string&)>& warn = {});

// Generated cases read the photos at most this long, as training does by default
// (TrainingDataOptions::cacheLongSide), so that they are crops of the same look.
constexpr int kEvalCacheLongSide = 2048;

// Generated cases: for every photo, bucket and index, a seeded random crop of
// `size` px (at a random scale, like training) with a seed-style mask whose hole
// ratio lies in the bucket.
// warn() is told of every photo that is skipped (unreadable, too small).
std::vector<EvalCase> generateEvalCases(const std::string& photoFolder, int size, int perBucket, std::uint64_t seed,
                                        int cacheLongSide = kEvalCacheLongSide, const std::function<void(const std::string&)>& warn = {});

struct Scores {
    int count = 0;
    double l1Percent = 0, psnr = 0, ssim = 0;  // means
};

struct NamedInpainter {
    std::string name;
    std::shared_ptr<const Inpainter> inpainter;
};

struct EvalReport {
    std::vector<std::string> methods;
    std::vector<HoleRatioRange> buckets;
    std::vector<std::vector<Scores>> scores;  // [method][bucket]
    int outsideBuckets = 0;                   // cases whose hole ratio is in no bucket
    int exactResults = 0;                     // results equal to their truth, counted as kPsnrCeiling dB
    std::string markdown() const;             // one table: a row per bucket, L1 / PSNR / SSIM per method
};

// A result equal to the truth has an infinite PSNR, which would make its whole
// bucket's mean infinite; it counts as this many dB instead (about what one grey
// level off in one channel of one pixel scores in a 256 x 256 image).
constexpr double kPsnrCeiling = 100.0;

// The files evaluate() writes into its outFolder, in order.
std::vector<std::string> evalOutputNames(const std::vector<EvalCase>& cases, const std::vector<NamedInpainter>& methods);

// Runs every method on every case. progress(done, total); a non-empty outFolder
// receives <case>_<method>.png for every result, and <case>_truth.png and
// <case>_mask.png for every case.
EvalReport evaluate(const std::vector<EvalCase>& cases, const std::vector<NamedInpainter>& methods, const std::string& outFolder = {},
                    const std::function<void(int, int)>& progress = {});

} // namespace pconv
