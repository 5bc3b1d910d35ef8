using System.Globalization;
using System.Numerics;

namespace LossConformance.Oracle;

/// <summary>
/// A binary floating-point number of high, fixed precision: value = <see cref="Mantissa"/> · 2^<see cref="Exponent"/>,
/// with |Mantissa| holding exactly <see cref="Precision"/> bits (or 0). Every +, −, ×, ÷ rounds its exact
/// result to nearest, ties to even, at that precision; the exponent is a long, so nothing overflows or
/// underflows in the range the oracle needs (exp(±1e5) ≈ 2^±144270).
/// <para>
/// Default precision 256 bits (≈ 77 decimal digits) for 40-digit answers: the oracle loses at most a few
/// dozen bits to rounding and argument reduction, and the generator recomputes every row at 320 bits and
/// requires the 40 printed digits to agree.
/// </para>
/// Written from scratch on <see cref="BigInteger"/>; it shares no code with src/Reference.
/// </summary>
public readonly struct BigFloat : IComparable<BigFloat>, IEquatable<BigFloat>
{
    /// <summary>The default working precision in bits.</summary>
    public const int DefaultPrecision = 256;

    [ThreadStatic] private static int _precision;

    /// <summary>The working precision in bits on this thread (256 unless inside <see cref="WithPrecision"/>).</summary>
    public static int Precision => _precision == 0 ? DefaultPrecision : _precision;

    /// <summary>Runs the following code at another precision until the returned scope is disposed.</summary>
    public static IDisposable WithPrecision(int bits)
    {
        if (bits < 64) throw new ArgumentOutOfRangeException(nameof(bits), "at least 64 bits");
        var scope = new PrecisionScope(_precision);
        _precision = bits;
        return scope;
    }

    private sealed class PrecisionScope(int previous) : IDisposable
    {
        public void Dispose() => _precision = previous;
    }

    private BigFloat(BigInteger mantissa, long exponent)
    {
        Mantissa = mantissa;
        Exponent = exponent;
    }

    public BigInteger Mantissa { get; }

    public long Exponent { get; }

    public static BigFloat Zero => default;

    public static BigFloat One => Create(BigInteger.One, 0);

    public int Sign => Mantissa.Sign;

    public bool IsZero => Mantissa.IsZero;

    /// <summary>Position of the leading bit: 2^Top ≤ |x| &lt; 2^(Top+1). Undefined for 0.</summary>
    private long Top => Exponent + (long)Mantissa.GetBitLength() - 1;

    // ---------------------------------------------------------------- construction

    /// <summary>m · 2^e rounded to the working precision (ties to even).</summary>
    public static BigFloat Create(BigInteger m, long e)
    {
        if (m.IsZero) return Zero;
        int p = Precision;
        bool negative = m.Sign < 0;
        BigInteger a = BigInteger.Abs(m);
        long bits = (long)a.GetBitLength();
        if (bits < p)
        {
            a <<= (int)(p - bits);
            e -= p - bits;
        }
        else if (bits > p)
        {
            int shift = (int)(bits - p);
            a = ShiftRightRoundEven(a, shift);
            e += shift;
            if (a.GetBitLength() > p)
            {
                a >>= 1; // a was rounded up to exactly 2^p
                e += 1;
            }
        }
        return new BigFloat(negative ? -a : a, e);
    }

    public static BigFloat FromInteger(BigInteger n) => Create(n, 0);

    /// <summary>The exact value of a finite double (every finite double is m · 2^e with |m| &lt; 2^53).</summary>
    public static BigFloat FromDouble(double x)
    {
        if (!double.IsFinite(x)) throw new ArgumentOutOfRangeException(nameof(x), x, "only finite doubles have a BigFloat value");
        if (x == 0) return Zero;
        long bits = BitConverter.DoubleToInt64Bits(x);
        int biased = (int)((bits >> 52) & 0x7FF);
        long fraction = bits & ((1L << 52) - 1);
        long m = biased == 0 ? fraction : fraction | (1L << 52);
        long e = biased == 0 ? -1074 : biased - 1075;
        return Create(bits < 0 ? -m : m, e);
    }

    /// <summary>A decimal literal such as "0.6931471805599453094172321214581765680755" or "-1.5E-300", rounded to the working precision.</summary>
    public static BigFloat Parse(string text)
    {
        string s = text.Trim();
        bool negative = s.StartsWith('-');
        if (negative || s.StartsWith('+')) s = s[1..];
        long exp10 = 0;
        int ePos = s.IndexOfAny(['e', 'E']);
        if (ePos >= 0)
        {
            exp10 = long.Parse(s[(ePos + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            s = s[..ePos];
        }
        int dot = s.IndexOf('.');
        if (dot >= 0)
        {
            exp10 -= s.Length - dot - 1;
            s = s.Remove(dot, 1);
        }
        if (s.Length == 0 || !s.All(char.IsAsciiDigit)) throw new FormatException($"'{text}' is not a decimal number");
        var digits = BigInteger.Parse(s, NumberStyles.None, CultureInfo.InvariantCulture);
        if (negative) digits = -digits;
        // Round once: exact rational digits · 10^exp10 to the working precision.
        return exp10 >= 0
            ? Create(digits * BigInteger.Pow(10, (int)exp10), 0)
            : RoundedQuotient(digits, BigInteger.Pow(10, (int)-exp10), 0);
    }

    // ---------------------------------------------------------------- arithmetic

    public static BigFloat operator -(BigFloat x) => new(-x.Mantissa, x.Exponent);

    public static BigFloat operator +(BigFloat a, BigFloat b)
    {
        if (a.IsZero) return b;
        if (b.IsZero) return a;
        if (a.Exponent < b.Exponent) (a, b) = (b, a);
        long gap = a.Exponent - b.Exponent;
        // Both mantissas have exactly Precision bits, so a gap beyond Precision + 2 puts |b| below a quarter
        // of a's last place: the correctly rounded sum is a itself (even across a binade boundary).
        if (gap > Precision + 2) return a;
        return Create((a.Mantissa << (int)gap) + b.Mantissa, b.Exponent);
    }

    public static BigFloat operator -(BigFloat a, BigFloat b) => a + (-b);

    public static BigFloat operator *(BigFloat a, BigFloat b) =>
        a.IsZero || b.IsZero ? Zero : Create(a.Mantissa * b.Mantissa, a.Exponent + b.Exponent);

    public static BigFloat operator /(BigFloat a, BigFloat b)
    {
        if (b.IsZero) throw new DivideByZeroException("BigFloat division by zero");
        if (a.IsZero) return Zero;
        return RoundedQuotient(a.Mantissa, b.Mantissa, a.Exponent - b.Exponent);
    }

    /// <summary>x · 2^k, exact.</summary>
    public static BigFloat ScaleB(BigFloat x, long k) => x.IsZero ? x : new BigFloat(x.Mantissa, x.Exponent + k);

    public static BigFloat Abs(BigFloat x) => x.Sign < 0 ? -x : x;

    public static BigFloat Max(BigFloat a, BigFloat b) => a >= b ? a : b;

    /// <summary>(n / d) · 2^e rounded to the working precision, ties to even (a sticky bit carries the remainder).</summary>
    private static BigFloat RoundedQuotient(BigInteger n, BigInteger d, long e)
    {
        bool negative = (n.Sign < 0) != (d.Sign < 0);
        n = BigInteger.Abs(n);
        d = BigInteger.Abs(d);
        int shift = Math.Max(0, Precision + 3 - (int)(n.GetBitLength() - d.GetBitLength()));
        var q = BigInteger.DivRem(n << shift, d, out var r);
        q = (q << 1) | (r.IsZero ? BigInteger.Zero : BigInteger.One); // sticky bit below the rounding position
        var result = Create(q, e - shift - 1);
        return negative ? -result : result;
    }

    /// <summary>a / 2^shift rounded to nearest, ties to even; a ≥ 0.</summary>
    private static BigInteger ShiftRightRoundEven(BigInteger a, int shift)
    {
        if (shift <= 0) return a << -shift;
        var q = a >> shift;
        var rest = a - (q << shift);
        var half = BigInteger.One << (shift - 1);
        int c = rest.CompareTo(half);
        if (c > 0 || (c == 0 && !q.IsEven)) q += 1;
        return q;
    }

    /// <summary>n / d rounded to nearest, ties to even; n ≥ 0, d &gt; 0.</summary>
    private static BigInteger DivideRoundEven(BigInteger n, BigInteger d)
    {
        var q = BigInteger.DivRem(n, d, out var r);
        int c = (r << 1).CompareTo(d);
        if (c > 0 || (c == 0 && !q.IsEven)) q += 1;
        return q;
    }

    // ---------------------------------------------------------------- comparison

    public int CompareTo(BigFloat other)
    {
        if (Sign != other.Sign) return Sign.CompareTo(other.Sign);
        if (IsZero) return 0;
        if (Top != other.Top) return Sign * Top.CompareTo(other.Top);
        return (this - other).Sign;
    }

    public bool Equals(BigFloat other) => Mantissa == other.Mantissa && (IsZero || Exponent == other.Exponent);

    public override bool Equals(object? obj) => obj is BigFloat other && Equals(other);

    public override int GetHashCode() => IsZero ? 0 : HashCode.Combine(Mantissa, Exponent);

    public static bool operator ==(BigFloat a, BigFloat b) => a.Equals(b);
    public static bool operator !=(BigFloat a, BigFloat b) => !a.Equals(b);
    public static bool operator <(BigFloat a, BigFloat b) => a.CompareTo(b) < 0;
    public static bool operator >(BigFloat a, BigFloat b) => a.CompareTo(b) > 0;
    public static bool operator <=(BigFloat a, BigFloat b) => a.CompareTo(b) <= 0;
    public static bool operator >=(BigFloat a, BigFloat b) => a.CompareTo(b) >= 0;

    // ---------------------------------------------------------------- elementary functions

    private static readonly Dictionary<int, BigFloat> Ln2Cache = [];

    /// <summary>ln 2 = 2 atanh(1/3), by the series below, once per precision.</summary>
    public static BigFloat Ln2
    {
        get
        {
            int p = Precision;
            lock (Ln2Cache)
            {
                if (!Ln2Cache.TryGetValue(p, out var ln2))
                {
                    using (WithPrecision(p + 32)) ln2 = TwiceAtanh(FromInteger(1) / FromInteger(3));
                    ln2 = Create(ln2.Mantissa, ln2.Exponent); // round to p
                    Ln2Cache[p] = ln2;
                }
                return ln2;
            }
        }
    }

    /// <summary>2 atanh(s) = 2 Σₖ s^(2k+1)/(2k+1) = ln((1+s)/(1−s)), for |s| ≤ 1/3; relative accuracy kept for tiny s.</summary>
    private static BigFloat TwiceAtanh(BigFloat s)
    {
        if (s.IsZero) return Zero;
        BigFloat s2 = s * s, power = s, sum = s;
        for (int k = 1; ; k++)
        {
            power *= s2;
            var term = power / FromInteger(2 * k + 1);
            if (term.IsZero || term.Top < sum.Top - Precision - 4) break;
            sum += term;
        }
        return ScaleB(sum, 1);
    }

    /// <summary>
    /// ln x for x &gt; 0: x = m · 2^k with m ∈ [1/√2, √2), ln x = 2 atanh((m − 1)/(m + 1)) + k ln 2.
    /// Near 1 (k = 0) m − 1 is exact, so the result keeps full relative accuracy.
    /// </summary>
    public static BigFloat Ln(BigFloat x)
    {
        if (x.Sign <= 0) throw new ArgumentOutOfRangeException(nameof(x), "ln needs x > 0");
        int p = Precision;
        long k = x.Top;
        var m = new BigFloat(x.Mantissa, -(p - 1)); // x / 2^k ∈ [1, 2)
        // m > √2 ⇔ Mantissa² > 2^(2p − 1)
        if (x.Mantissa * x.Mantissa > BigInteger.One << (2 * p - 1))
        {
            m = ScaleB(m, -1);
            k += 1;
        }
        var one = One;
        var lnM = TwiceAtanh((m - one) / (m + one));
        return k == 0 ? lnM : lnM + FromInteger(k) * Ln2;
    }

    /// <summary>ln(1 + t) for t &gt; −1, with full relative accuracy for tiny t: 2 atanh(t / (2 + t)).</summary>
    public static BigFloat Ln1p(BigFloat t)
    {
        var one = One;
        if (t <= -one) throw new ArgumentOutOfRangeException(nameof(t), "ln1p needs t > −1");
        // t ∈ [−1/4, 1/2] keeps s = t/(2+t) within [−1/7, 1/5].
        if (t >= ScaleB(-one, -2) && t <= ScaleB(one, -1))
            return TwiceAtanh(t / (FromInteger(2) + t));
        return Ln(one + t);
    }

    /// <summary>
    /// eˣ: x = k ln 2 + r with |r| ≤ ln2/2, then r is halved 24 times, e^(r/2²⁴) summed by Taylor's series and
    /// squared 24 times back; the result is scaled by 2^k. Works for |x| up to about 1e15 (k must fit a long).
    /// </summary>
    public static BigFloat Exp(BigFloat x)
    {
        if (x.IsZero) return One;
        const int halvings = 24;
        int p = Precision;
        BigFloat result;
        long k;
        using (WithPrecision(p + halvings + 16))
        {
            var ln2 = Ln2;
            k = (long)RoundToInteger(x / ln2);
            var r = x - FromInteger(k) * ln2;
            r = ScaleB(r, -halvings);
            BigFloat sum = One, term = One;
            for (int n = 1; ; n++)
            {
                term = term * r / FromInteger(n);
                if (term.IsZero || term.Top < -Precision - 4) break;
                sum += term;
            }
            for (int i = 0; i < halvings; i++) sum *= sum;
            result = sum;
        }
        return ScaleB(Create(result.Mantissa, result.Exponent), k);
    }

    /// <summary>Nearest integer (ties to even).</summary>
    public static BigInteger RoundToInteger(BigFloat x)
    {
        if (x.IsZero) return BigInteger.Zero;
        if (x.Exponent >= 0) return x.Mantissa << (int)x.Exponent;
        if (x.Top < -2) return BigInteger.Zero;
        var a = ShiftRightRoundEven(BigInteger.Abs(x.Mantissa), (int)-x.Exponent);
        return x.Sign < 0 ? -a : a;
    }

    // ---------------------------------------------------------------- conversion out

    /// <summary>
    /// The double nearest to this value, ties to even (IEEE 754 roundTiesToEven), with gradual underflow
    /// to subnormals and 0 (the sign of a negative value kept as −0) and overflow to ±∞.
    /// </summary>
    public double ToDouble()
    {
        if (IsZero) return 0.0;
        bool negative = Sign < 0;
        var a = BigInteger.Abs(Mantissa);
        long top = Top;
        if (top > 1023) return negative ? double.NegativeInfinity : double.PositiveInfinity;
        // Lowest kept bit: 53 significant bits for normal numbers, the 2^-1074 place for subnormals.
        long lowest = Math.Max(top - 52, -1074);
        long shift = lowest - Exponent;
        BigInteger kept;
        if (shift <= 0) kept = a << (int)-shift;
        else if (shift > (long)a.GetBitLength() + 1) kept = BigInteger.Zero; // far below half of 2^-1074
        else kept = ShiftRightRoundEven(a, (int)shift);
        // kept ≤ 2^53, so the conversion to double is exact; ScaleB is exact for representable results and overflows to ∞.
        double magnitude = Math.ScaleB((double)kept, (int)lowest);
        return negative ? -magnitude : magnitude;
    }

    /// <summary>
    /// Scientific notation with exactly <paramref name="digits"/> significant digits, rounded to nearest
    /// (ties to even) from this binary value: "6.931471805599453094172321214581765680755E-1". Zero prints as "0".
    /// </summary>
    public string ToDecimalString(int digits)
    {
        if (IsZero) return "0";
        var a = BigInteger.Abs(Mantissa);
        var low = BigInteger.Pow(10, digits - 1);
        var high = low * 10;
        // Decimal exponent of the leading digit, estimated from the binary one, then corrected.
        long d10 = (long)Math.Floor(Top * 0.30102999566398119521);
        for (int attempt = 0; ; attempt++)
        {
            long scale = digits - 1 - d10; // N = round(|x| · 10^scale)
            BigInteger num = a, den = BigInteger.One;
            if (scale >= 0) num *= BigInteger.Pow(10, (int)scale); else den *= BigInteger.Pow(10, (int)-scale);
            if (Exponent >= 0) num <<= (int)Exponent; else den <<= (int)-Exponent;
            var n = DivideRoundEven(num, den);
            if (attempt > 4) throw new InvalidOperationException("decimal exponent did not settle");
            if (n >= high) { d10++; continue; }
            if (n < low) { d10--; continue; }
            string s = n.ToString(CultureInfo.InvariantCulture);
            string sign = Sign < 0 ? "-" : "";
            return digits == 1 ? $"{sign}{s}E{d10}" : $"{sign}{s[0]}.{s[1..]}E{d10}";
        }
    }

    public override string ToString() => ToDecimalString(40);

    // ---------------------------------------------------------------- self-check

    /// <summary>Known constants to 50 digits (OEIS A002162, A001113, A002392, A068985).</summary>
    private static readonly (string Name, Func<BigFloat> Compute, string Truth)[] Constants =
    [
        ("ln 2", () => Ln(FromInteger(2)), "0.69314718055994530941723212145817656807550013436026"),
        ("e = exp(1)", () => Exp(One), "2.71828182845904523536028747135266249775724709369995"),
        ("ln 10", () => Ln(FromInteger(10)), "2.30258509299404568401799145468436420760110148862877"),
        ("exp(-1)", () => Exp(-One), "0.36787944117144232159552377016146086744581113103177"),
    ];

    /// <summary>
    /// Checks the arithmetic against independent truths; returns one line per mismatch (empty when all agree):
    /// the four constants to 40 significant digits (rounded from their 50-digit decimal expansions, by string
    /// arithmetic, not by this type), identities of ln and exp, and correct rounding to double at the edges.
    /// </summary>
    public static IReadOnlyList<string> SelfCheck()
    {
        var problems = new List<string>();
        foreach (var (name, compute, truth) in Constants)
        {
            string got = compute().ToDecimalString(40);
            string want = RoundDecimalLiteral(truth, 40);
            if (got != want) problems.Add($"{name}: computed {got}, true value {want}");
        }

        // Identities far from the constants' arguments.
        void Close(string what, BigFloat got, BigFloat want, int bits)
        {
            var err = Abs(got - want);
            var allowed = ScaleB(want.IsZero ? One : Abs(want), -bits);
            if (err > allowed) problems.Add($"{what}: {got} vs {want}");
        }
        Close("exp(ln 1e-300) = 1e-300", Exp(Ln(FromDouble(1e-300))), FromDouble(1e-300), 200);
        Close("ln(exp(-20000)) = -20000", Ln(Exp(FromInteger(-20000))), FromInteger(-20000), 200);
        Close("ln(exp(100000)) = 100000", Ln(Exp(FromInteger(100000))), FromInteger(100000), 200);
        Close("exp(a)·exp(−a) = 1 at a = 7.25", Exp(FromDouble(7.25)) * Exp(FromDouble(-7.25)), One, 230);
        Close("ln1p(2^-100) = 2^-100 − 2^-201 + …", ScaleB(Ln1p(ScaleB(One, -100)), 100), One - ScaleB(One, -101), 200);
        Close("ln(1 − 1e-12) via ln = via ln1p", Ln(FromDouble(1 - 1e-12)), Ln1p(FromDouble(1 - 1e-12) - One), 240);
        string tiny = Exp(FromInteger(-20000)).ToDecimalString(20);
        if (tiny != "1.2893236083900937484E-8686") problems.Add($"exp(-20000) = {tiny}, expected 1.2893236083900937484E-8686");

        // Conversion to double: exact values, ties to even, subnormals, underflow, overflow.
        foreach (double x in new[] { 1.0, -0.1, Math.PI, double.Epsilon, -double.Epsilon, 2.2250738585072014e-308, double.MaxValue, 1e-300, 1.0 / 3 })
            if (FromDouble(x).ToDouble() != x) problems.Add($"FromDouble({x:R}).ToDouble() = {FromDouble(x).ToDouble():R}");
        void Rounds(string what, BigFloat v, double want)
        {
            double got = v.ToDouble();
            if (BitConverter.DoubleToInt64Bits(got) != BitConverter.DoubleToInt64Bits(want)) problems.Add($"{what} → {got:R}, expected {want:R}");
        }
        var ulpHalf = ScaleB(One, -53);
        Rounds("1 + 2^-53 (tie, to even)", One + ulpHalf, 1.0);
        Rounds("1 + 3·2^-53 (tie, to even)", One + ScaleB(FromInteger(3), -53), 1.0 + 4 * Math.ScaleB(1.0, -53));
        Rounds("1 + 2^-53 + 2^-200 (above the tie)", One + ulpHalf + ScaleB(One, -200), Math.BitIncrement(1.0));
        Rounds("2^-1075 (tie with 0, to even)", ScaleB(One, -1075), 0.0);
        Rounds("3·2^-1076 (above the tie)", ScaleB(FromInteger(3), -1076), double.Epsilon);
        Rounds("-2^-1100 (underflow, keeps the sign)", -ScaleB(One, -1100), -0.0);
        Rounds("2^1024 (overflow)", ScaleB(One, 1024), double.PositiveInfinity);
        Rounds("(2 − 2^-54)·2^1023 (tie rounds up to 2^1024, overflow)", ScaleB(FromInteger(2) - ScaleB(One, -53), 1023), double.PositiveInfinity);
        Rounds("1/3", One / FromInteger(3), 1.0 / 3);
        Rounds("1e-310 (subnormal)", Parse("1e-310"), 1e-310);
        Rounds("0.1", Parse("0.1"), 0.1);
        return problems;
    }

    /// <summary>Rounds a plain decimal literal ("0.693…", "2.718…") to <paramref name="digits"/> significant digits, half up, in the same "d.ddd…E±x" form.</summary>
    internal static string RoundDecimalLiteral(string literal, int digits)
    {
        int dot = literal.IndexOf('.');
        string intPart = dot < 0 ? literal : literal[..dot];
        string all = intPart + (dot < 0 ? "" : literal[(dot + 1)..]);
        int lead = 0;
        while (lead < all.Length && all[lead] == '0') lead++;
        long d10 = intPart.TrimStart('0').Length > 0 ? intPart.TrimStart('0').Length - 1 : -(lead - intPart.Length + 1);
        string sig = all[lead..].PadRight(digits + 1, '0');
        var n = BigInteger.Parse(sig[..digits], CultureInfo.InvariantCulture);
        if (sig[digits] >= '5') n += 1;
        string s = n.ToString(CultureInfo.InvariantCulture);
        if (s.Length > digits) { s = s[..digits]; d10++; }
        return $"{s[0]}.{s[1..]}E{d10}";
    }
}
