/* A protocol server in C (spec/protocol.md): ISoftmax and IBatchedSoftmaxCrossEntropy, float32 and
 * float64, to show that the protocol is language-neutral. Standard C and libm only; the JSON header
 * is read with a few string searches (the suite writes compact JSON) and written with printf.
 * Arithmetic runs in double for both element types, rounded once at the end.
 *
 *   sh samples/c/run.sh   (compiles into ${TMPDIR:-/tmp} and runs; an exec: entry:)
 *   CONFORMANCE_IMPLEMENTATION="exec:sh samples/c/run.sh" dotnet test tests/Properties --filter DisplayName~c-softmax
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ARRAYS 8

typedef struct { char name[64]; char type[16]; long count; unsigned char *data; } array_t;

static FILE *out;
static char error_kind[32], error_param[64], error_message[512];

static int read_exactly(void *buffer, size_t n) { return n == 0 || fread(buffer, 1, n, stdin) == n; }

static uint32_t le32(const unsigned char *b) { return b[0] | b[1] << 8 | b[2] << 16 | (uint32_t)b[3] << 24; }

/* The value after "key": in json (a string copied into dst, or a number parsed into *number). */
static const char *find_key(const char *json, const char *key) {
    char pattern[80];
    snprintf(pattern, sizeof pattern, "\"%s\":", key);
    const char *at = strstr(json, pattern);
    if (!at) return NULL;
    at += strlen(pattern);
    while (*at == ' ') at++;
    return at;
}
static int string_of(const char *json, const char *key, char *dst, size_t size) {
    const char *at = find_key(json, key);
    if (!at || *at != '"') return 0;
    size_t i = 0;
    for (at++; *at && *at != '"' && i + 1 < size; at++) dst[i++] = *at;
    dst[i] = 0;
    return 1;
}
static int long_of(const char *json, const char *key, long *value) {
    const char *at = find_key(json, key);
    if (!at) return 0;
    *value = strtol(at, NULL, 10);
    return 1;
}

static size_t size_of(const char *type) { return strcmp(type, "float64") == 0 ? 8 : 4; }

static void write_frame(const char *header, array_t *arrays, int n) {
    uint32_t length = (uint32_t)strlen(header);
    unsigned char prefix[8] = {'L', 'C', 'P', '1', length & 255, length >> 8 & 255, length >> 16 & 255, length >> 24 & 255};
    fwrite(prefix, 1, 8, out);
    fwrite(header, 1, length, out);
    for (int i = 0; i < n; i++) fwrite(arrays[i].data, 1, arrays[i].count * size_of(arrays[i].type), out);
    fflush(out);
}

static int fail(const char *kind, const char *param, const char *message) {
    snprintf(error_kind, sizeof error_kind, "%s", kind);
    snprintf(error_param, sizeof error_param, "%s", param);
    snprintf(error_message, sizeof error_message, "%s", message);
    return 0;
}

/* Element i of an array of the element type, as a double. */
static double at(const array_t *a, long i) {
    if (strcmp(a->type, "float64") == 0) { double v; memcpy(&v, a->data + 8 * i, 8); return v; }
    float v; memcpy(&v, a->data + 4 * i, 4); return v;
}
static void put(array_t *a, long i, double v) {
    if (strcmp(a->type, "float64") == 0) memcpy(a->data + 8 * i, &v, 8);
    else { float f = (float)v; memcpy(a->data + 4 * i, &f, 4); }
}
static int32_t index_at(const array_t *a, long i) { int32_t v; memcpy(&v, a->data + 4 * i, 4); return v; }

static array_t *find_array(array_t *arrays, int n, const char *name) {
    for (int i = 0; i < n; i++) if (strcmp(arrays[i].name, name) == 0) return &arrays[i];
    return NULL;
}

static void make_output(array_t *o, const char *name, const char *dtype, long count) {
    snprintf(o->name, sizeof o->name, "%s", name);
    snprintf(o->type, sizeof o->type, "%s", dtype);
    o->count = count;
    o->data = calloc(count ? count : 1, size_of(dtype));
}

/* INPUT-EMPTY, INPUT-NAN for logits. */
static int finite_logits(const array_t *z) {
    char message[200];
    if (z->count == 0) return fail("invalid_argument", "logits", "logits is empty; every vector needs at least one entry (INPUT-EMPTY).");
    for (long i = 0; i < z->count; i++)
        if (!isfinite(at(z, i))) {
            snprintf(message, sizeof message, "logits[%ld] is %g; values must be finite (INPUT-NAN).", i, at(z, i));
            return fail("invalid_argument", "logits", message);
        }
    return 1;
}

/* ln sum exp(z_j - m) over z[offset .. offset + n), with m = max z_j written to *max_out. Kept apart from m:
 * ln yhat_t = (z_t - m) - ln sum, never (z_t - (m + ln sum)), whose rounding of m + ln sum costs u |m|. */
static double log_sum_exp_shifted(const array_t *z, long offset, long n, double *max_out) {
    double m = at(z, offset), sum = 0;
    for (long j = 1; j < n; j++) if (at(z, offset + j) > m) m = at(z, offset + j);
    for (long j = 0; j < n; j++) sum += exp(at(z, offset + j) - m);
    *max_out = m;
    return log(sum);
}

/* Returns the number of outputs written into outs, or 0 with error_* set. */
static int call(const char *header, const char *method, const char *dtype, array_t *in, int n_in, array_t *outs) {
    array_t *z = find_array(in, n_in, "logits");
    if (!z) return fail("internal", "", "no logits array");
    if (strcmp(method, "Softmax") == 0 || strcmp(method, "LogSoftmax") == 0 || strcmp(method, "LogSumExp") == 0) {
        if (!finite_logits(z)) return 0;
        double m, ln_shifted = log_sum_exp_shifted(z, 0, z->count, &m);
        if (strcmp(method, "LogSumExp") == 0) { make_output(&outs[0], "result", dtype, 1); put(&outs[0], 0, m + ln_shifted); return 1; }
        int log_form = strcmp(method, "LogSoftmax") == 0;
        make_output(&outs[0], log_form ? "logProbabilities" : "probabilities", dtype, z->count);
        double sum = 0;
        for (long i = 0; i < z->count; i++) sum += exp(at(z, i) - m);
        double ln_sum = log(sum);
        for (long i = 0; i < z->count; i++)
            put(&outs[0], i, log_form ? (at(z, i) - m) - ln_sum : exp(at(z, i) - m) / sum);   /* shifted: no overflow, sum >= 1 */
        return 1;
    }
    if (strcmp(method, "ForwardBackward") == 0) {
        long classes = 0, ignore = 0, reduction = -1;
        char message[200];
        long_of(header, "classes", &classes);
        long_of(header, "ignoreIndex", &ignore);
        long_of(header, "reduction", &reduction);
        array_t *targets = find_array(in, n_in, "targets");
        if (classes <= 0) return fail("out_of_range", "classes", "classes must be positive (INPUT-EMPTY).");
        if (!finite_logits(z)) return 0;
        if (z->count % classes != 0) return fail("invalid_argument", "logits", "logits has a length that is not a multiple of classes (INPUT-LENGTH).");
        long rows = z->count / classes;
        if (!targets || targets->count != rows) {
            snprintf(message, sizeof message, "targets has length %ld; expected %ld (INPUT-LENGTH).", targets ? targets->count : 0, rows);
            return fail("invalid_argument", "targets", message);
        }
        for (long r = 0; r < rows; r++) {
            int32_t t = index_at(targets, r);
            if (t != ignore && (t < 0 || t >= classes)) {
                snprintf(message, sizeof message, "targets[%ld] = %d is not a class in [0, %ld) nor the ignore index %ld (INPUT-TARGET).", r, t, classes, ignore);
                return fail("out_of_range", "targets", message);
            }
        }
        if (reduction != 0 && reduction != 1) return fail("out_of_range", "reduction", "reduction must be Mean or Sum.");
        make_output(&outs[0], "result", dtype, 1);
        make_output(&outs[1], "gradient", dtype, z->count);
        double loss = 0;
        long counted = 0;
        double *g = calloc(z->count, sizeof(double));
        for (long r = 0; r < rows; r++) {
            int32_t t = index_at(targets, r);
            if (t == ignore) continue;                      /* no loss, no count, gradient 0 */
            double m, ln_sum = log_sum_exp_shifted(z, r * classes, classes, &m);
            loss += ln_sum - (at(z, r * classes + t) - m);  /* -ln yhat_t = ln sum - (z_t - m) */
            for (long j = 0; j < classes; j++) g[r * classes + j] = exp((at(z, r * classes + j) - m) - ln_sum);
            g[r * classes + t] -= 1;                        /* yhat - e_t */
            counted++;
        }
        double scale = reduction == 1 || counted == 0 ? 1.0 : 1.0 / (double)counted;
        /* the mean over no rows is 0, not 0/0 (GRAD-ALL-IGNORED) */
        put(&outs[0], 0, reduction == 0 ? (counted == 0 ? 0.0 : loss / (double)counted) : loss);
        for (long i = 0; i < z->count; i++) put(&outs[1], i, reduction == 0 && counted > 0 ? g[i] / (double)counted : g[i] * scale);
        free(g);
        return 2;
    }
    return fail("internal", "", "method not implemented by this server");
}

int main(void) {
    out = stdout;
    for (;;) {
        unsigned char prefix[8];
        if (!read_exactly(prefix, 8)) return 0;              /* end of input: the suite is done */
        if (memcmp(prefix, "LCP1", 4) != 0) { fprintf(stderr, "c-softmax: not a frame\n"); return 2; }
        uint32_t length = le32(prefix + 4);
        char *header = malloc(length + 1);
        if (!read_exactly(header, length)) return 2;
        header[length] = 0;
        array_t in[MAX_ARRAYS];
        int n_in = 0;
        for (const char *a = strstr(header, "\"arrays\":"); a && (a = strstr(a, "{\"name\":")) && n_in < MAX_ARRAYS; a++, n_in++) {
            string_of(a, "name", in[n_in].name, sizeof in[n_in].name);
            string_of(a, "type", in[n_in].type, sizeof in[n_in].type);
            long_of(a, "count", &in[n_in].count);
            size_t bytes = in[n_in].count * size_of(in[n_in].type);
            in[n_in].data = malloc(bytes ? bytes : 1);
            if (!read_exactly(in[n_in].data, bytes)) return 2;
        }
        char op[16] = "", method[64] = "", dtype[16] = "", reply[1024];
        long id = 0;
        string_of(header, "op", op, sizeof op);
        if (strcmp(op, "hello") == 0) {
            write_frame("{\"ok\":true,\"protocol\":1,\"name\":\"c-softmax\",\"capabilities\":{"
                        "\"float32\":[\"ISoftmax\",\"IBatchedSoftmaxCrossEntropy\"],\"float64\":[\"ISoftmax\",\"IBatchedSoftmaxCrossEntropy\"]},\"deviations\":[]}", NULL, 0);
        } else {
            long_of(header, "id", &id);
            string_of(header, "method", method, sizeof method);
            string_of(header, "dtype", dtype, sizeof dtype);
            array_t outs[3];
            int n_out = call(header, method, dtype, in, n_in, outs);
            if (n_out > 0) {
                int used = snprintf(reply, sizeof reply, "{\"id\":%ld,\"ok\":true,\"arrays\":[", id);
                for (int i = 0; i < n_out; i++)
                    used += snprintf(reply + used, sizeof reply - used, "%s{\"name\":\"%s\",\"type\":\"%s\",\"count\":%ld}",
                                     i ? "," : "", outs[i].name, dtype, outs[i].count);
                snprintf(reply + used, sizeof reply - used, "]}");
            } else
                snprintf(reply, sizeof reply, "{\"id\":%ld,\"ok\":false,\"error\":{\"kind\":\"%s\",\"param\":\"%s\",\"message\":\"%s\"}}",
                         id, error_kind, error_param, error_message);
            write_frame(reply, outs, n_out);
            for (int i = 0; i < n_out; i++) free(outs[i].data);
        }
        for (int i = 0; i < n_in; i++) free(in[i].data);
        free(header);
    }
}
