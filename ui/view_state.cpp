#include "view_state.h"

#include <algorithm>

namespace pconv::ui {

void ViewState::setImageSize(const QSizeF& size) {
    imageSize_ = size;
    center_ = QPointF(size.width() / 2, size.height() / 2);
    Q_EMIT changed();
}

void ViewState::setZoom(double zoom) {
    fitting_ = false;
    zoom_ = std::clamp(zoom, kMinZoom, kMaxZoom);
    Q_EMIT changed();
}

void ViewState::setCenter(const QPointF& center) {
    fitting_ = false;
    center_ = center;
    Q_EMIT changed();
}

void ViewState::zoomAround(double factor, const QPointF& anchor, const QPointF& offsetFromMiddle) {
    fitting_ = false;
    zoom_ = std::clamp(zoom_ * factor, kMinZoom, kMaxZoom);
    center_ = anchor - offsetFromMiddle / zoom_;
    Q_EMIT changed();
}

void ViewState::fit(const QSizeF& paneSize) {
    fitting_ = true;
    if (imageSize_.isEmpty() || paneSize.isEmpty()) return;
    // A small border so the image edge stays visible.
    zoom_ = std::clamp(0.98 * std::min(paneSize.width() / imageSize_.width(), paneSize.height() / imageSize_.height()), kMinZoom, kMaxZoom);
    center_ = QPointF(imageSize_.width() / 2, imageSize_.height() / 2);
    Q_EMIT changed();
}


} // namespace pconv::ui
