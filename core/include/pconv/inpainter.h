#pragma once
// One interface for every way to fill holes: the PConv network and OpenCV's
// Telea and Navier-Stokes methods. Torch-free header.
#include "pconv/model.h"

#include <opencv2/core.hpp>

#include <memory>
#include <optional>
#include <string>

namespace pconv {

enum class Method { PConv, Telea, NavierStokes };

std::string toString(Method method);              // "pconv", "telea", "ns"
std::optional<Method> parseMethod(const std::string& text);

class Inpainter {
public:
    virtual ~Inpainter() = default;
    virtual Method method() const = 0;

    // image: 8- or 16-bit, 1 (gray), 3 (BGR) or 4 (BGRA) channels.
    // holes: CV_8UC1 of the same size, non-zero = hole.
    // Returns an image of the same size and type in which every pixel outside the
    // holes is bit-exact the input's and alpha is untouched.
    // Throws InvalidArgument for mismatched or unsupported inputs.
    cv::Mat inpaint(const cv::Mat& image, const cv::Mat& holes) const;

protected:
    // Produces a filled image of the input's size and type; may touch any pixel
    // (inpaint() pastes back only the hole pixels).
    virtual cv::Mat fill(const cv::Mat& image, const cv::Mat& holes) const = 0;
};

// Telea or Navier-Stokes (cv::inpaint) with the given neighbourhood radius.
std::unique_ptr<Inpainter> makeClassicalInpainter(Method method, double radius = 3.0);

// A self-ensemble: the network also fills mirrored copies of the input, and the
// fills, mirrored back, are averaged. Each view costs one more pass; the average
// is smoother and scores higher (models/README.md has the measurements).
struct PConvInpaintOptions {
    // 1: one pass; 2: + left-right mirror; 4: + the up-down mirrors of both;
    // 8: + the transposes (rows for columns) of those four
    int mirrorViews = 2;
    // Hole depth: a hole pixel's distance (px) to the nearest known pixel. When the deepest
    // is beyond maxHoleDepth (beyond what the network was trained on), the image is filled
    // at the scale that makes it coarseHoleDepth deep, and the fill scaled back up.
    // maxHoleDepth 0: always at full resolution. Below coarseHoleDepth (the editor's 8), holes
    // up to coarseHoleDepth deep keep the full-size fill and, with deepHoleTexture, get
    // texture from it; deeper ones take the coarse path.
    double maxHoleDepth = 48;
    double coarseHoleDepth = 24;
    // Holes deeper than coarseHoleDepth but within maxHoleDepth are filled at full
    // resolution, except deep inside, where that fill can drift into off-colour blobs (a
    // pink one in a night sky, a green dot on white): there the coarse fill is mixed in,
    // its share rising from 0 at coarseBlendFrom px deep to all of it at coarseHoleDepth.
    // 0: no mixing.
    double coarseBlendFrom = 8;
    // Right at a hole's edge the network's fill leaves a faint seam, where Telea and
    // Navier-Stokes continue the surroundings exactly (they beat it within 1 px of the edge).
    // Their mean is mixed in there: all of it at the edge, exp(-(depth - 1) / classicalEdge)
    // of it deeper in (3: 37 % at 4 px, 5 % at 10). 0: the network's fill alone. Not for
    // holes beyond maxHoleDepth, which patch synthesis fills. models/README.md has the gains.
    double classicalEdge = 3;
    // With such deep holes, the scaled-up coarse fill only starts a multi-scale patch
    // synthesis (patch_synthesis.h) that gives the holes the photo's own texture; false
    // leaves the scaled-up fill as it is (smooth, and the better PSNR).
    bool deepHoleTexture = true;
};

// Whether `views` is a mirror-view count the network offers: 1, 2, 4 or 8 (the one list
// the CLI, the editor and checkMirrorViews() go by).
bool isMirrorViewCount(int views);

// The offered counts as words for messages: "1, 2, 4 or 8".
std::string mirrorViewCountsText();

// Throws InvalidArgument unless isMirrorViewCount(views).
void checkMirrorViews(int views);

// The PConv network: pads to a multiple of 2^depth (reflect), runs, crops back.
std::unique_ptr<Inpainter> makePConvInpainter(PConvModel model, PConvInpaintOptions options = {});

// Throws InvalidArgument unless image and holes fit inpaint()'s contract.
void checkInpaintInputs(const cv::Mat& image, const cv::Mat& holes);

// `original` with the hole pixels (holes != 0) taken from `filled`; alpha of a
// 4-channel original is kept everywhere.
cv::Mat compositeHoles(const cv::Mat& original, const cv::Mat& filled, const cv::Mat& holes);

} // namespace pconv
