# R survey's Rao-Scott chi-square (svychisq) on the random designs of designs.R (the same seeds draw the same
# samples, so tests/test_r_parity_tables.py rebuilds them from designs_data.csv).
#
#   Rscript tests/r/chisq.R [OUT_DIR]     (from the repository root)
#
# Writes chisq.csv (case = design number): svychisq(statistic = "F" and "Chisq") of g1 by g2 (complete), of g1m
# (g1 missing where y is) by yb (missing values), on the whole sample and in the domains p and q (subset), on
# the base and the post-stratified design. Terms: statistic, ndf, ddf (F) or df (Chisq), p_value.
source(file.path("tests", "r", "common.R"))
options(survey.lonely.psu = "adjust")

record <- function(id, quantity, test) {
  put(id, quantity, c(test$statistic, test$parameter, test$p.value),
      c("statistic", names(test$parameter), "p_value"))
}

for_each_design(function(id, s, prefix, d) {
  g1m <- ifelse(is.na(s$y), NA, s$g1)
  d <- update(d, g1m = g1m)
  for (statistic in c("F", "Chisq")) {
    for (domain in c("all", "p", "q")) {
      dd <- if (domain == "all") d else subset(d, d == domain)
      record(id, paste0(prefix, statistic, "_g1_g2_", domain), svychisq(~g1 + g2, dd, statistic = statistic))
      record(id, paste0(prefix, statistic, "_g1m_yb_", domain), svychisq(~g1m + yb, dd, statistic = statistic))
    }
  }
})
write_results("chisq")
