#pragma once
// Zoom and pan shared by the three panes (original | mask | result), so they
// always show the same part of the photo at the same scale.
#include <QObject>
#include <QPointF>
#include <QSizeF>

namespace pconv::ui {

class ViewState : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;

    double zoom() const { return zoom_; }
    QPointF center() const { return center_; }  // image point shown at the middle of each pane

    void setImageSize(const QSizeF& size);
    QSizeF imageSize() const { return imageSize_; }

    void setZoom(double zoom);
    void setCenter(const QPointF& center);
    // Zooms by factor keeping the image point `anchor` where it is on screen,
    // given where the anchor sits relative to the pane's middle.
    void zoomAround(double factor, const QPointF& anchor, const QPointF& offsetFromMiddle);
    // Fits the whole image into a pane of the given size and keeps fitting
    // (isFitting) until the user zooms or pans.
    void fit(const QSizeF& paneSize);
    bool isFitting() const { return fitting_; }

    static constexpr double kMinZoom = 0.02;
    static constexpr double kMaxZoom = 32.0;

Q_SIGNALS:
    void changed();

private:
    double zoom_ = 1.0;
    QPointF center_;
    QSizeF imageSize_;
    bool fitting_ = true;
};

} // namespace pconv::ui
