/* Allocation of a model's weight arena: 2 MiB aligned and, where the OS
 * offers it, backed by transparent huge pages (decode streams every weight
 * once per token: 4 KiB pages cost a TLB miss every 4 KiB). Free with free(). */
#ifndef LPCS_SW_RUNTIME_RT_WEIGHTS_ALLOC_H
#define LPCS_SW_RUNTIME_RT_WEIGHTS_ALLOC_H

#include <stddef.h>

void *rt_weights_alloc(size_t bytes);

#endif
