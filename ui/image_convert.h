#pragma once
// cv::Mat <-> QImage for display and for the editor's mask. The mask is a
// QImage in Format_Grayscale8 with 255 = hole, the same convention as core.
#include <QImage>
#include <opencv2/core.hpp>

namespace pconv::ui {

// Any 8/16-bit 1/3/4-channel image as a QImage for display (deep copy; 16-bit scaled to 8).
QImage toDisplayImage(const cv::Mat& image);

// A QImage (the clipboard's, a drop's) as an 8-bit BGR, BGRA (when it has alpha) or gray cv::Mat (deep copy).
cv::Mat fromQImage(const QImage& image);

// CV_8UC1 mask -> Grayscale8 QImage (deep copy), and back.
QImage maskToQImage(const cv::Mat& holes);
cv::Mat qImageToMask(const QImage& mask);

} // namespace pconv::ui
