// OpenCV's Telea and Navier-Stokes inpainting behind the Inpainter interface.
#include "pconv/errors.h"
#include "pconv/image_io.h"
#include "pconv/inpainter.h"
#include "pconv/mask_ops.h"

#include <opencv2/imgproc.hpp>
#include <opencv2/photo.hpp>

#include <algorithm>

namespace pconv {
namespace {

// Holes within 2 px of the image's border (measured: at 2 px cv::inpaint no longer reads them).
bool touchesBorder(const cv::Mat& holes) {
    const int rows = std::min(2, holes.rows), cols = std::min(2, holes.cols);
    return cv::countNonZero(holes.rowRange(0, rows)) > 0 || cv::countNonZero(holes.rowRange(holes.rows - rows, holes.rows)) > 0 ||
           cv::countNonZero(holes.colRange(0, cols)) > 0 || cv::countNonZero(holes.colRange(holes.cols - cols, holes.cols)) > 0;
}

class ClassicalInpainter : public Inpainter {
public:
    ClassicalInpainter(Method method, double radius) : method_(method), radius_(radius) {}
    Method method() const override { return method_; }

protected:
    cv::Mat fill(const cv::Mat& image, const cv::Mat& holes) const override {
        const int flags = method_ == Method::Telea ? cv::INPAINT_TELEA : cv::INPAINT_NS;
        cv::Mat colour = image;
        if (image.channels() == 4) cv::cvtColor(image, colour, cv::COLOR_BGRA2BGR);
        // cv::inpaint leaves hole pixels on the image's border as they were and reads them (and
        // those 1 px in) as it fills: given the nearest known colours, whatever was there (the object being
        // removed) cannot leak into the fill, and no blank colour does. Elsewhere it never
        // reads hole pixels, so only holes that reach the border need it.
        if (touchesBorder(holes)) colour = withNearestKnownColours(colour, holes, holes);
        cv::Mat filled;
        // cv::inpaint takes 8-bit 1- or 3-channel and 16-bit 1-channel images:
        // other 16-bit images are filled one channel at a time.
        if (colour.depth() == CV_8U || colour.channels() == 1) {
            cv::inpaint(colour, holes, filled, radius_, flags);
        } else {
            std::vector<cv::Mat> planes;
            cv::split(colour, planes);
            for (auto& plane : planes) cv::inpaint(plane.clone(), holes, plane, radius_, flags);
            cv::merge(planes, filled);
        }
        return image.channels() == 4 ? attachAlpha(filled, image) : filled;
    }

private:
    Method method_;
    double radius_;
};

} // namespace

std::unique_ptr<Inpainter> makeClassicalInpainter(Method method, double radius) {
    if (method == Method::PConv) throw InvalidArgument("pconv is not a classical method: use makePConvInpainter");
    if (!(radius > 0)) throw InvalidArgument("inpaint radius must be positive");
    return std::make_unique<ClassicalInpainter>(method, radius);
}

} // namespace pconv
