/* The float64 FMA throughput of one core: the ceiling for any exact FID/PRDC implementation on a machine.
 * 14 independent chains of 256-bit fused multiply-adds, enough to hide the latency on current x86 cores.
 *   gcc -O3 -march=native peak_flops.c -o peak_flops && ./peak_flops
 * Run one copy per core at once for the whole machine; float32 has twice the lanes, so twice the rate. */
#include <immintrin.h>
#include <stdio.h>
#include <time.h>

#define CHAINS 14

int main(void) {
    __m256d acc[CHAINS];
    const __m256d scale = _mm256_set1_pd(0.999999), shift = _mm256_set1_pd(1e-7);
    for (int j = 0; j < CHAINS; j++) acc[j] = _mm256_set1_pd(j);
    const long steps = 200000000;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (long i = 0; i < steps; i++)
        for (int j = 0; j < CHAINS; j++) acc[j] = _mm256_fmadd_pd(acc[j], scale, shift);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double seconds = (t1.tv_sec - t0.tv_sec) + 1e-9 * (t1.tv_nsec - t0.tv_nsec);
    double sum = 0;  /* use the results so the loop is not removed */
    for (int j = 0; j < CHAINS; j++) { double lanes[4]; _mm256_storeu_pd(lanes, acc[j]); sum += lanes[0]; }
    printf("one core: %.1f GFLOPS float64 (checksum %g)\n", steps * CHAINS * 4 * 2 / seconds / 1e9, sum);
    return 0;
}
