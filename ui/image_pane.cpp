#include "image_pane.h"

#include <algorithm>

#include "view_state.h"

#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QPixmap>
#include <QWheelEvent>

#include <cmath>

namespace pconv::ui {

ImagePane::ImagePane(const QString& title, QWidget* parent) : QWidget(parent), title_(title) {
    setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    setMinimumSize(160, 120);
    setAttribute(Qt::WA_OpaquePaintEvent);
}

void ImagePane::setViewState(ViewState* view) {
    if (view_) disconnect(view_, nullptr, this, nullptr);
    view_ = view;
    if (view_) connect(view_, &ViewState::changed, this, qOverload<>(&QWidget::update));
    update();
}

void ImagePane::setImage(const QImage& image) {
    image_ = image;
    update();
}

void ImagePane::setTitle(const QString& title) {
    title_ = title;
    update();
}

void ImagePane::setPlaceholder(const QString& text) {
    placeholder_ = text;
    update();
}

QPointF ImagePane::widgetToImage(const QPointF& p) const {
    if (!view_) return p;
    const QPointF middle(width() / 2.0, height() / 2.0);
    return view_->center() + (p - middle) / view_->zoom();
}

QPointF ImagePane::imageToWidget(const QPointF& p) const {
    if (!view_) return p;
    const QPointF middle(width() / 2.0, height() / 2.0);
    return (p - view_->center()) * view_->zoom() + middle;
}

namespace {
// Grey and light grey squares, as image editors show transparency: on the pane's dark
// background a transparent pixel would pass for a black one.
const QBrush& transparencyChecks() {
    static const QBrush brush = [] {
        constexpr int square = 8;
        QPixmap tile(2 * square, 2 * square);
        tile.fill(QColor(204, 204, 204));
        QPainter p(&tile);
        p.fillRect(0, 0, square, square, QColor(153, 153, 153));
        p.fillRect(square, square, square, square, QColor(153, 153, 153));
        return QBrush(tile);
    }();
    return brush;
}
} // namespace

void ImagePane::drawImage(QPainter& painter, const QImage& image) const {
    if (image.isNull()) return;
    const QPointF topLeft = imageToWidget({0, 0});
    const double zoom = view_ ? view_->zoom() : 1.0;
    painter.save();
    painter.translate(topLeft);
    painter.scale(zoom, zoom);
    // Crisp pixels when zoomed in, smooth when zoomed out.
    painter.setRenderHint(QPainter::SmoothPixmapTransform, zoom < 1.0);
    painter.drawImage(QPointF(0, 0), image);
    painter.restore();
}

void ImagePane::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    painter.fillRect(rect(), QColor(45, 45, 48));
    if (image_.isNull()) {
        painter.setPen(QColor(170, 170, 170));
        painter.drawText(rect(), Qt::AlignCenter | Qt::TextWordWrap, placeholder_);
    } else {
        if (image_.hasAlphaChannel())
            painter.fillRect(QRectF(imageToWidget({0, 0}), QSizeF(image_.size()) * (view_ ? view_->zoom() : 1.0)), transparencyChecks());
        drawImage(painter, image_);
        paintOverlay(painter);
    }
    // Title tab in the corner; on a narrow pane the title ends in "…" rather than being cut.
    const QString shown = fontMetrics().elidedText(title_, Qt::ElideRight, std::max(0, width() - 24));
    const QRect tab(6, 6, fontMetrics().horizontalAdvance(shown) + 12, fontMetrics().height() + 6);
    painter.setPen(Qt::NoPen);
    painter.setBrush(QColor(0, 0, 0, 150));
    painter.drawRoundedRect(tab, 4, 4);
    painter.setPen(Qt::white);
    painter.drawText(tab, Qt::AlignCenter, shown);
}

void ImagePane::paintOverlay(QPainter&) {}

void ImagePane::resizeEvent(QResizeEvent* event) {
    QWidget::resizeEvent(event);
    Q_EMIT resized();
}

void ImagePane::zoomAt(double factor, const QPointF& widgetPos) {
    if (view_) view_->zoomAround(factor, widgetToImage(widgetPos), widgetPos - QPointF(width() / 2.0, height() / 2.0));
}

void ImagePane::wheelEvent(QWheelEvent* event) {
    if (!view_ || image_.isNull()) return;
    const QPointF pos = event->position();
    if (event->modifiers() & Qt::ControlModifier) {
        const double factor = std::pow(1.0015, event->angleDelta().y());
        zoomAt(factor, pos);
    } else {
        // Plain wheel scrolls (Shift: sideways).
        QPointF delta(event->angleDelta().x(), event->angleDelta().y());
        if (event->modifiers() & Qt::ShiftModifier) delta = QPointF(delta.y(), delta.x());
        view_->setCenter(view_->center() - delta / (2.0 * view_->zoom()));
    }
    event->accept();
}

void ImagePane::mousePressEvent(QMouseEvent* event) {
    if (event->button() == Qt::MiddleButton || (event->button() == Qt::LeftButton && spaceHeld_)) {
        panning_ = true;
        panLast_ = event->position();
        setCursor(Qt::ClosedHandCursor);
        event->accept();
    }
}

void ImagePane::mouseMoveEvent(QMouseEvent* event) {
    if (panning_ && view_) {
        view_->setCenter(view_->center() - (event->position() - panLast_) / view_->zoom());
        panLast_ = event->position();
        event->accept();
    }
}

void ImagePane::mouseReleaseEvent(QMouseEvent* event) {
    if (panning_) {
        panning_ = false;
        setCursor(spaceHeld_ ? Qt::OpenHandCursor : Qt::ArrowCursor);
        event->accept();
    }
}

void ImagePane::keyPressEvent(QKeyEvent* event) {
    if (event->key() == Qt::Key_Space && !event->isAutoRepeat()) {
        spaceHeld_ = true;
        setCursor(Qt::OpenHandCursor);
        return;
    }
    QWidget::keyPressEvent(event);
}

void ImagePane::keyReleaseEvent(QKeyEvent* event) {
    if (event->key() == Qt::Key_Space && !event->isAutoRepeat()) {
        spaceHeld_ = false;
        if (!panning_) unsetCursor();
        return;
    }
    QWidget::keyReleaseEvent(event);
}

} // namespace pconv::ui
