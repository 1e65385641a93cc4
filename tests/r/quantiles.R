# R survey's svyquantile (survey 4.1: Woodruff's interval, interval.type = "mean") on the random designs of
# designs.R (the same seeds draw the same samples, so tests/test_r_parity_quantiles.py rebuilds them from
# designs_data.csv).
#
#   Rscript tests/r/quantiles.R [OUT_DIR]     (from the repository root)
#
# Writes quantiles.csv (case = design number): svyquantile(~y, p = 0.1, 0.5, 0.9, na.rm = TRUE) with qrule
# "math" (the default) and "hf7", on the whole sample and in the domains p, q and tiny (subset), on the base and
# the post-stratified design. Terms: <p>_quantile, <p>_ci_low, <p>_ci_high, <p>_se.
source(file.path("tests", "r", "common.R"))
options(survey.lonely.psu = "adjust")

P <- c(0.1, 0.5, 0.9)

for_each_design(function(id, s, prefix, d) {
  for (qrule in c("math", "hf7")) {
    for (domain in c("all", "p", "q", "tiny")) {
      dd <- if (domain == "all") d else subset(d, d == domain)
      if (sum(!is.na(dd$variables$y[weights(dd) > 0])) < 2) next
      q <- suppressWarnings(svyquantile(~y, dd, P, na.rm = TRUE, qrule = qrule))$y
      put(id, paste0(prefix, qrule, "_", domain), as.vector(q),
          as.vector(outer(P, c("quantile", "ci_low", "ci_high", "se"), paste, sep = "_")))
    }
  }
})
write_results("quantiles")
