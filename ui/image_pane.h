#pragma once
// A pane that shows an image under the shared zoom and pan: Ctrl+wheel zooms
// around the cursor, the middle button or Space+drag pans, the wheel scrolls.
#include "view_state.h"

#include <QImage>
#include <QPointer>
#include <QWidget>

namespace pconv::ui {

class ImagePane : public QWidget {
    Q_OBJECT
public:
    explicit ImagePane(const QString& title, QWidget* parent = nullptr);

    void setViewState(ViewState* view);
    ViewState* viewState() const { return view_; }

    void setImage(const QImage& image);
    const QImage& image() const { return image_; }
    void setPlaceholder(const QString& text);  // shown while there is no image
    const QString& placeholder() const { return placeholder_; }
    void setTitle(const QString& title);  // the tab in the top-left corner
    const QString& title() const { return title_; }

    QPointF widgetToImage(const QPointF& p) const;
    QPointF imageToWidget(const QPointF& p) const;
    // Zooms the shared view by factor, keeping the photo point under widgetPos where it is.
    void zoomAt(double factor, const QPointF& widgetPos);

Q_SIGNALS:
    void resized();

protected:
    void resizeEvent(QResizeEvent* event) override;
    void paintEvent(QPaintEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void keyReleaseEvent(QKeyEvent* event) override;

    // Subclasses draw over the image, in widget coordinates.
    virtual void paintOverlay(QPainter& painter);
    // Draws `image` with the current transform (clipped to the widget).
    void drawImage(QPainter& painter, const QImage& image) const;
    bool isPanning() const { return panning_; }

private:
    QString title_, placeholder_;
    QImage image_;
    QPointer<ViewState> view_;
    bool spaceHeld_ = false;
    bool panning_ = false;
    QPointF panLast_;
};

} // namespace pconv::ui
