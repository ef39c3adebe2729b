#include "mask_canvas.h"

#include "mask_edit_command.h"
#include "view_state.h"

#include <QMouseEvent>
#include <QPainter>
#include <QUndoStack>

#include <algorithm>
#include <cmath>

namespace pconv::ui {

MaskCanvas::MaskCanvas(QWidget* parent) : ImagePane(tr("Original — paint the holes"), parent) {
    setCursor(Qt::CrossCursor);
}

void MaskCanvas::setPhoto(const QImage& photo) {
    setImage(photo);
    mask_ = QImage(photo.size(), QImage::Format_Grayscale8);
    mask_.fill(0);
    overlay_ = QImage(photo.size(), QImage::Format_ARGB32_Premultiplied);
    overlay_.fill(Qt::transparent);
    stroking_ = false;
    Q_EMIT maskChanged();
}

void MaskCanvas::setTool(Tool tool) {
    if (tool_ == tool) return;
    tool_ = tool;
    Q_EMIT toolChanged(tool);
}

void MaskCanvas::setBrushSize(int pixels) {
    pixels = std::clamp(pixels, 1, 1000);
    if (brushSize_ == pixels) return;
    brushSize_ = pixels;
    update();
    Q_EMIT brushSizeChanged(pixels);
}

void MaskCanvas::setOverlayColor(const QColor& color) {
    overlayColor_ = color;
    refreshOverlay(mask_.rect());
    update();
}

void MaskCanvas::refreshOverlay(const QRect& region) {
    const QRect r = region & mask_.rect();
    const QRgb tint = qPremultiply(overlayColor_.rgba());
    for (int y = r.top(); y <= r.bottom(); ++y) {
        const uchar* m = mask_.constScanLine(y);
        auto* o = reinterpret_cast<QRgb*>(overlay_.scanLine(y));
        for (int x = r.left(); x <= r.right(); ++x) o[x] = m[x] ? tint : 0;
    }
}

void MaskCanvas::repaintImageRect(const QRectF& imageRect) {
    const QRectF widgetRect(imageToWidget(imageRect.topLeft()), imageToWidget(imageRect.bottomRight()));
    update(widgetRect.toAlignedRect().adjusted(-2, -2, 2, 2));
}

void MaskCanvas::paintSegment(const QPointF& from, const QPointF& to) {
    QPainter painter(&mask_);
    painter.setRenderHint(QPainter::Antialiasing, false);  // the mask stays binary
    painter.setPen(QPen(strokeErases_ ? Qt::black : Qt::white, brushSize_, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
    if (from == to) {
        painter.setPen(Qt::NoPen);
        painter.setBrush(strokeErases_ ? Qt::black : Qt::white);
        painter.drawEllipse(from, brushSize_ / 2.0, brushSize_ / 2.0);
    } else {
        painter.drawLine(from, to);
    }
    painter.end();
    const double r = brushSize_ / 2.0 + 2;
    const QRect dirty = QRectF(QPointF(std::min(from.x(), to.x()) - r, std::min(from.y(), to.y()) - r),
                               QPointF(std::max(from.x(), to.x()) + r, std::max(from.y(), to.y()) + r))
                            .toAlignedRect() &
                        mask_.rect();
    strokeDirty_ |= dirty;
    refreshOverlay(dirty);
    repaintImageRect(dirty);
}

void MaskCanvas::beginStroke(const QPointF& imagePoint, bool erase) {
    if (mask_.isNull()) return;
    stroking_ = true;
    strokeErases_ = erase;
    strokeBefore_ = mask_.copy();
    strokeDirty_ = QRect();
    lastPoint_ = imagePoint;
    paintSegment(imagePoint, imagePoint);
}

void MaskCanvas::extendStroke(const QPointF& imagePoint) {
    if (!stroking_) return;
    paintSegment(lastPoint_, imagePoint);
    lastPoint_ = imagePoint;
}

void MaskCanvas::endStroke() {
    if (!stroking_) return;
    stroking_ = false;
    const QRect region = strokeDirty_ & mask_.rect();
    if (!region.isEmpty() && undoStack_) {
        undoStack_->push(new MaskEditCommand(this, region, strokeBefore_.copy(region), mask_.copy(region),
                                             strokeErases_ ? tr("Erase") : tr("Brush stroke")));
    }
    strokeBefore_ = QImage();
    Q_EMIT maskChanged();
}

void MaskCanvas::replaceMask(const QImage& newMask, const QString& undoText) {
    if (mask_.isNull()) return;
    const QImage converted = newMask.convertToFormat(QImage::Format_Grayscale8);
    if (converted.size() != mask_.size()) return;
    const QImage before = mask_;
    mask_ = converted.copy();
    refreshOverlay(mask_.rect());
    update();
    if (undoStack_) undoStack_->push(new MaskEditCommand(this, mask_.rect(), before, mask_, undoText));
    Q_EMIT maskChanged();
}

void MaskCanvas::writeMaskRegion(const QRect& region, const QImage& pixels) {
    QPainter painter(&mask_);
    painter.setCompositionMode(QPainter::CompositionMode_Source);
    painter.drawImage(region.topLeft(), pixels);
    painter.end();
    refreshOverlay(region);
    repaintImageRect(region);
    Q_EMIT maskChanged();
}

void MaskCanvas::paintOverlay(QPainter& painter) {
    drawImage(painter, overlay_);
    if (hover_.x() >= 0 && !isPanning()) {
        // Brush outline: what the next dab will cover.
        const double radius = brushSize_ / 2.0 * (viewState() ? viewState()->zoom() : 1.0);
        painter.setRenderHint(QPainter::Antialiasing);
        painter.setBrush(Qt::NoBrush);
        painter.setPen(QPen(Qt::black, 3));
        painter.drawEllipse(hover_, radius, radius);
        painter.setPen(QPen(tool_ == Tool::Eraser ? QColor(120, 200, 255) : Qt::white, 1.5));
        painter.drawEllipse(hover_, radius, radius);
    }
}

void MaskCanvas::mousePressEvent(QMouseEvent* event) {
    ImagePane::mousePressEvent(event);
    if (event->isAccepted() && isPanning()) return;
    if (event->button() == Qt::LeftButton || event->button() == Qt::RightButton) {
        const bool erase = event->button() == Qt::RightButton || tool_ == Tool::Eraser;
        beginStroke(widgetToImage(event->position()), erase);
        event->accept();
    }
}

void MaskCanvas::mouseMoveEvent(QMouseEvent* event) {
    const QPointF old = hover_;
    hover_ = event->position();
    if (isPanning()) {
        ImagePane::mouseMoveEvent(event);
        return;
    }
    if (stroking_) extendStroke(widgetToImage(event->position()));
    const double r = brushSize_ / 2.0 * (viewState() ? viewState()->zoom() : 1.0) + 4;
    update(QRectF(old - QPointF(r, r), old + QPointF(r, r)).toAlignedRect());
    update(QRectF(hover_ - QPointF(r, r), hover_ + QPointF(r, r)).toAlignedRect());
}

void MaskCanvas::mouseReleaseEvent(QMouseEvent* event) {
    if (isPanning()) {
        ImagePane::mouseReleaseEvent(event);
        return;
    }
    if (stroking_ && (event->button() == Qt::LeftButton || event->button() == Qt::RightButton)) endStroke();
}

void MaskCanvas::leaveEvent(QEvent* event) {
    hover_ = QPointF(-1, -1);
    update();
    ImagePane::leaveEvent(event);
}

} // namespace pconv::ui
