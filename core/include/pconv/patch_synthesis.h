#pragma once
// Texture for wide holes: multi-scale patch synthesis (Wexler, Shechtman and Irani,
// "Space-Time Completion of Video", 2007), with nearest patches found by PatchMatch
// (Barnes et al., 2009). It starts from a given fill at a coarse scale, where that fill
// (the network's) decides what goes where, and refines it octave by octave with
// patches copied from the image's own known pixels: a wide hole in grass ends up with
// grass texture instead of a blurred average. Torch-free.
#include <opencv2/core.hpp>

#include <cstdint>

namespace pconv {

struct PatchSynthesisOptions {
    int patchSize = 7;          // odd, px
    double coarseDepth = 24;    // the coarsest octave: where the deepest hole pixel is about this deep (px)
    int coarseIterations = 5;   // rounds of search + voting at the coarsest octave
    int fineIterations = 5;     // at each finer octave
    // Voting weights: exp(-distance / (voteSpread x the 25th percentile of the match
    // distances)). Small: each pixel follows its best matches (sharp texture); large: a
    // plain mean of all the patches over it (smooth, blurred texture).
    double voteSpread = 0.2;
    // Cost of copying a source patch that other targets already copy, per target, as a
    // share of the 25th percentile of the match distances: keeps one good patch from
    // being repeated across the hole like wallpaper. 0 = none.
    double reuseCost = 0.5;
    // Weight of a cost for copying a source patch with more or less detail (standard
    // deviation) than the known patches around the hole have (their geometric mean, nearer
    // ones weighing more): without it, a smooth start matches the smoothest sources best and
    // the hole is filled with a smooth look-alike (a far-off meadow for grass, starless sky
    // for a starry one). At 1 a smooth and a detailed source of the same colour tie; 3 leans
    // towards detail. 0 = none.
    double detailWeight = 3;
    // Patches for a hole are copied from within this many times its deepest pixel's depth
    // of it (at least four patches); 0 = from anywhere in the image. Each hole (connected
    // region) is synthesised on its own, with its own depth and scale of match distances.
    double sourceReach = 2;
    std::uint64_t seed = 0;
};

// image: 8- or 16-bit, 1, 3 or 4 channels; holes: CV_8UC1 of the same size, non-zero =
// hole; initial: a fill of the image's size and type whose hole pixels start the
// synthesis. Returns `image` with its hole pixels synthesised (alpha untouched); the
// initial fill comes back unchanged where no hole-free patch exists to copy from.
// Asks throwIfCancelled() between rounds. Throws InvalidArgument for mismatched inputs.
cv::Mat synthesizeHoleTexture(const cv::Mat& image, const cv::Mat& holes, const cv::Mat& initial,
                              const PatchSynthesisOptions& options = {});

} // namespace pconv
