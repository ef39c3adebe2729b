#pragma once
// Training samples from a folder of photos: random crops at several scales,
// flips, and hole masks drawn on the fly (or taken from a mask folder). Every
// sample is a pure function of (seed, sample index), so data order survives a
// resume exactly and loader threads need no shared random state. Torch-free.
#include "pconv/mask_generator.h"

#include <opencv2/core.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace pconv {

struct TrainingDataOptions {
    std::string photoFolder;           // searched recursively: jpg, jpeg, png, webp, bmp, tif(f)
    std::string extraFolder;           // optional: more training images, never held out for validation
    std::string maskFolder;            // optional: hole masks (non-zero = hole) used instead of generated ones
    std::string sampleFolder;          // alternative to photoFolder: the seed's [photo | masked photo] samples,
                                       // each giving a photo and its own mask
    int size = 256;                    // square training crops
    double validationFraction = 0.1;   // of the photos, held out (at least one when there are two or more)
    int validationCropsPerPhoto = 4;
    HoleRatioRange holeRatio{0.01, 0.6};
    int cacheLongSide = 2048;          // photos are kept in memory downscaled to this long side
    double colourJitter = 0;           // 0 = off; else the strength of jitterColours() on training samples
    double geometricJitter = 0;        // 0 = off; else the strength of warpedCrop() for training samples
    std::uint64_t seed = 0;
    bool warnSmallPhotos = true;       // warn() about images scaled up to reach size (the evaluation says it its own way)
};

struct TrainingSample {
    cv::Mat image;  // CV_8UC3 BGR, size x size
    cv::Mat holes;  // CV_8UC1, 255 = hole
};

// Photos decoded once and kept in memory, split into training and validation.
class TrainingPhotos {
public:
    // Throws FileError when the folder is missing or holds no readable photo.
    // progress(done, total) is called while decoding; unreadable files are
    // skipped and reported through warn.
    static std::shared_ptr<const TrainingPhotos> load(const TrainingDataOptions& options,
                                                      const std::function<void(int, int)>& progress = {},
                                                      const std::function<void(const std::string&)>& warn = {});

    std::vector<cv::Mat> train, validation;
    std::vector<std::string> trainPaths, validationPaths;
    // With sampleFolder: each photo's own holes (CV_8UC1, 255 = hole), parallel to train / validation.
    std::vector<cv::Mat> trainHoles, validationHoles;
    std::vector<cv::Mat> masks;  // from maskFolder, CV_8UC1 255 = hole
    int extraCount = 0;          // of train: the images from extraFolder
};

class SampleMaker {
public:
    SampleMaker(std::shared_ptr<const TrainingPhotos> photos, TrainingDataOptions options);

    // Sample number `index` of the endless training stream: epoch e visits every
    // training photo once in a seeded order, each with a fresh random crop and mask.
    TrainingSample trainingSample(std::int64_t index) const;

    // A fixed validation set: the same crops and masks every time, whatever the seed.
    int validationCount() const;
    TrainingSample validationSample(int index) const;

    int trainingPhotoCount() const { return static_cast<int>(photos_->train.size()); }

private:
    // holes: the photo's own mask (same size), or empty to draw one.
    TrainingSample make(const cv::Mat& photo, const cv::Mat& holes, std::uint64_t sampleSeed, bool augment) const;
    cv::Mat makeHoles(std::uint64_t sampleSeed) const;

    std::shared_ptr<const TrainingPhotos> photos_;
    TrainingDataOptions options_;
};

// A square region of a photo for one sample: its side lies between `size` (full
// detail) and the photo's short side (the whole scene), log-uniformly, at a random
// position. Draws from rng in a fixed order, so a seed always gives the same crop.
cv::Rect randomScaleCrop(const cv::Size& photo, int size, std::mt19937_64& rng);

// The region resized to size x size (area averaging down, cubic up).
cv::Mat resizeCrop(const cv::Mat& region, int size);

// Photometric augmentation of an 8-bit BGR image, in place: saturation, contrast and
// brightness each scaled by a factor in [1 - strength, 1 + strength], and each channel
// by one in [1 - strength/4, 1 + strength/4] (a white-balance shift). With a few dozen
// training photos the network otherwise learns their palettes. strength in [0, 0.9].
void jitterColours(cv::Mat& bgr, double strength, std::mt19937_64& rng);

// The square `region` of `photo`, resized to size x size, seen through a random warp:
// rotated by up to 30 * strength degrees, stretched along each axis by up to
// exp(+-0.25 * strength), each corner moved by up to 0.15 * strength of the side (a
// perspective tilt), zoomed in where that would leave the photo. Like colour jitter,
// it makes new pictures out of the few training photos. strength in [0, 1].
cv::Mat warpedCrop(const cv::Mat& photo, const cv::Rect& region, int size, double strength, std::mt19937_64& rng);

// Splits one of the seed's samples, [photo | photo with holes blacked out], into
// the photo and its holes: pixels black on the right but not on the left.
TrainingSample splitMaskedSample(const cv::Mat& sample);

// How many of `photos` a split by `fraction` holds out: none at fraction 0 or with one photo,
// else the nearest whole number, at least one and never all.
size_t heldOutCount(size_t photos, double fraction);

// Lists image files under folder, recursively, sorted; hidden files and folders (isHiddenFile) left out.
std::vector<std::string> listImagesRecursive(const std::string& folder);

} // namespace pconv
