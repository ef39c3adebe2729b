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

cv::Mat fromQImage(const QImage& image) {
    if (image.isNull()) return {};
    const auto view = [](const QImage& converted, int type) {
        return cv::Mat(converted.height(), converted.width(), type, const_cast<uchar*>(converted.constBits()),
                       static_cast<size_t>(converted.bytesPerLine()));
    };
    cv::Mat out;
    if (image.hasAlphaChannel()) {
        const QImage rgba = image.convertToFormat(QImage::Format_RGBA8888);
        cv::cvtColor(view(rgba, CV_8UC4), out, cv::COLOR_RGBA2BGRA);
    } else if (image.isGrayscale()) {
        const QImage gray = image.convertToFormat(QImage::Format_Grayscale8);
        out = view(gray, CV_8UC1).clone();
    } else {
        const QImage rgb = image.convertToFormat(QImage::Format_RGB888);
        cv::cvtColor(view(rgb, CV_8UC3), out, cv::COLOR_RGB2BGR);
    }
    return out;
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
