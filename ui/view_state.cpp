#include "view_state.h"

#include <algorithm>

namespace pconv::ui {

void ViewState::setImageSize(const QSizeF& size) {
    imageSize_ = size;
    center_ = QPointF(size.width() / 2, size.height() / 2);
    Q_EMIT changed();
}

void ViewState::setZoom(double zoom) {
    zoom_ = std::clamp(zoom, kMinZoom, kMaxZoom);
    Q_EMIT changed();
}

void ViewState::setCenter(const QPointF& center) {
    center_ = center;
    Q_EMIT changed();
}

void ViewState::zoomAround(double factor, const QPointF& anchor, const QPointF& offsetFromMiddle) {
    zoom_ = std::clamp(zoom_ * factor, kMinZoom, kMaxZoom);
    center_ = anchor - offsetFromMiddle / zoom_;
    Q_EMIT changed();
}

void ViewState::fit(const QSizeF& paneSize) {
    if (imageSize_.isEmpty() || paneSize.isEmpty()) return;
    zoom_ = std::clamp(std::min(paneSize.width() / imageSize_.width(), paneSize.height() / imageSize_.height()), kMinZoom, kMaxZoom);
    center_ = QPointF(imageSize_.width() / 2, imageSize_.height() / 2);
    Q_EMIT changed();
}

void ViewState::actualSize() { setZoom(1.0); }

} // namespace pconv::ui
