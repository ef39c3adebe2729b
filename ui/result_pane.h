#pragma once
// The result, with a before/after comparison: in compare mode the original shows
// left of a split line that the left button drags.
#include "image_pane.h"

namespace pconv::ui {

class ResultPane : public ImagePane {
    Q_OBJECT
public:
    explicit ResultPane(QWidget* parent = nullptr);

    void setOriginal(const QImage& original) { original_ = original; update(); }
    bool compare() const { return compare_; }
    void setCompare(bool on);
    double split() const { return split_; }  // 0..1 across the image's width
    void setSplit(double fraction);
    // While a fill runs, the empty pane says so instead of asking for holes and Inpaint.
    void setInpainting(bool running);

Q_SIGNALS:
    void compareChanged(bool on);

protected:
    void paintOverlay(QPainter& painter) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;

private:
    QImage original_;
    bool compare_ = false, dragging_ = false;
    double split_ = 0.5;
};

} // namespace pconv::ui
