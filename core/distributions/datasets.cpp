// stub: being written
#include "core/distributions/datasets.h"
