// stub: being written
#include "core/distributions/gaussian_mixture.h"
