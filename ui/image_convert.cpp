#include "image_convert.h"

#include <opencv2/imgproc.hpp>

namespace pconv::ui {

QImage toDisplayImage(const cv::Mat& image) {
    if (image.empty()) return {};
    cv::Mat eight = image;
    if (image.depth() == CV_16U) image.convertTo(eight, CV_8U, 1.0 / 257.0);
    cv::Mat converted;
    switch (eight.channels()) {
    case 1: return QImage(eight.data, eight.cols, eight.rows, static_cast<int>(eight.step), QImage::Format_Grayscale8).copy();
    case 3:
        cv::cvtColor(eight, converted, cv::COLOR_BGR2RGB);
        return QImage(converted.data, converted.cols, converted.rows, static_cast<int>(converted.step), QImage::Format_RGB888).copy();
    case 4:
        cv::cvtColor(eight, converted, cv::COLOR_BGRA2RGBA);
        return QImage(converted.data, converted.cols, converted.rows, static_cast<int>(converted.step), QImage::Format_RGBA8888).copy();
    default: return {};
    }
}

QImage maskToQImage(const cv::Mat& holes) {
    CV_Assert(holes.type() == CV_8UC1);
    return QImage(holes.data, holes.cols, holes.rows, static_cast<int>(holes.step), QImage::Format_Grayscale8).copy();
}

cv::Mat qImageToMask(const QImage& mask) {
    const QImage gray = mask.format() == QImage::Format_Grayscale8 ? mask : mask.convertToFormat(QImage::Format_Grayscale8);
    const cv::Mat view(gray.height(), gray.width(), CV_8UC1, const_cast<uchar*>(gray.constBits()), static_cast<size_t>(gray.bytesPerLine()));
    return view.clone();
}

} // namespace pconv::ui
