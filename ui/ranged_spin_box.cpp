#include "ranged_spin_box.h"

#include <QSpinBox>

namespace pconv::ui {

QSpinBox* rangedSpinBox(int min, int max, int value, QWidget* parent) {
    auto* box = new QSpinBox(parent);
    box->setRange(min, max);  // before the value, which the old range would clamp
    box->setValue(value);
    return box;
}

} // namespace pconv::ui
