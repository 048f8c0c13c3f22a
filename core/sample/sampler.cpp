// stub: being written
#include "core/sample/sampler.h"
