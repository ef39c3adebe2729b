#include "result_pane.h"

#include <QMouseEvent>
#include <QPainter>

#include <algorithm>

namespace pconv::ui {

ResultPane::ResultPane(QWidget* parent) : ImagePane(tr("Result"), parent) { setInpainting(false); }

void ResultPane::setInpainting(bool running) {
    setPlaceholder(running ? tr("Inpainting… (Esc cancels)") : tr("Paint holes on the original, then click Inpaint."));
}

void ResultPane::setCompare(bool on) {
    if (compare_ == on) return;
    compare_ = on;
    // Zoomed in, the image's middle may be off-screen: start the split in the middle of what is shown.
    if (on && !image().isNull()) setSplit(widgetToImage({width() / 2.0, 0}).x() / image().width());
    update();
    Q_EMIT compareChanged(on);
}

void ResultPane::setSplit(double fraction) {
    split_ = std::clamp(fraction, 0.0, 1.0);
    update();
}

void ResultPane::paintOverlay(QPainter& painter) {
    if (!compare_ || original_.isNull() || image().isNull()) return;
    const double splitX = imageToWidget({split_ * image().width(), 0}).x();
    painter.save();
    painter.setClipRect(QRectF(0, 0, splitX, height()));
    drawImage(painter, original_);
    painter.restore();
    painter.setPen(QPen(Qt::white, 2));
    painter.drawLine(QPointF(splitX, 0), QPointF(splitX, height()));
    painter.setPen(Qt::white);
    painter.drawText(QRectF(splitX - 90, height() - 24, 84, 20), Qt::AlignRight | Qt::AlignVCenter, tr("before"));
    painter.drawText(QRectF(splitX + 6, height() - 24, 84, 20), Qt::AlignLeft | Qt::AlignVCenter, tr("after"));
}

void ResultPane::mousePressEvent(QMouseEvent* event) {
    ImagePane::mousePressEvent(event);
    if (isPanning()) return;
    if (compare_ && event->button() == Qt::LeftButton && !image().isNull()) {
        dragging_ = true;
        setSplit(widgetToImage(event->position()).x() / image().width());
    }
}

void ResultPane::mouseMoveEvent(QMouseEvent* event) {
    ImagePane::mouseMoveEvent(event);
    if (dragging_) setSplit(widgetToImage(event->position()).x() / image().width());
}

void ResultPane::mouseReleaseEvent(QMouseEvent* event) {
    ImagePane::mouseReleaseEvent(event);
    dragging_ = false;
}

} // namespace pconv::ui
