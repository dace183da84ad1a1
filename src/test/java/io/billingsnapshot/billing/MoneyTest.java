package io.billingsnapshot.billing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class MoneyTest {

    @Test
    void aFiveAtTheEleventhDecimalRoundsUp() {
        // Half-even (and half-down) would give 0.1234567890.
        assertThat(Money.round(0.12345678905)).isEqualTo(0.1234567891);
        assertThat(Money.round(5.0E-11)).isEqualTo(1.0E-10);
    }

    @Test
    void halfUpRoundsNegativeHalvesAwayFromZero() {
        assertThat(Money.round(-0.12345678905)).isEqualTo(-0.1234567891);
    }

    @Test
    void belowHalfAtTheEleventhDecimalRoundsDown() {
        assertThat(Money.round(0.12345678904)).isEqualTo(0.123456789);
        assertThat(Money.round(4.9E-11)).isEqualTo(0.0);
    }

    @Test
    void amountsCarryScaleTen() {
        assertThat(Money.toAmount(0.0195)).isEqualTo(new BigDecimal("0.0195000000"));
        assertThat(Money.toAmount(3)).isEqualTo(new BigDecimal("3.0000000000"));
    }

    @Test
    void nonFiniteCostsAreRejectedWithAnExplanation() {
        assertThatThrownBy(() -> Money.round(Double.POSITIVE_INFINITY))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a finite number");
        assertThatThrownBy(() -> Money.round(Double.NaN))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NaN");
    }

    @Test
    void anExactSumIsRoundedByTheSameRule() {
        assertThat(Money.toAmount(new BigDecimal("0.12345678905"))).isEqualByComparingTo("0.1234567891");
        assertThat(Money.toAmount(new BigDecimal("-0.12345678905"))).isEqualByComparingTo("-0.1234567891");
        assertThat(Money.toAmount(new BigDecimal("3")).scale()).isEqualTo(Money.SCALE);
    }
}
