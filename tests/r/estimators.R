# R survey's other estimators on the random designs of designs.R (the same seeds draw the same samples, so
# tests/test_r_parity_estimators.py rebuilds them from designs_data.csv).
#
#   Rscript tests/r/estimators.R [OUT_DIR]     (from the repository root)
#
# Writes estimators.csv (case = design number): svymean(deff = TRUE) on the whole sample and by domain (svyby),
# on the base and the post-stratified design; svyratio(~y, ~x, na.rm = TRUE); svyttest(y ~ g2).
source(file.path("tests", "r", "common.R"))
options(survey.lonely.psu = "adjust")

for_each_design(function(id, s, prefix, d) {
  m <- svymean(~y, d, na.rm = TRUE, deff = TRUE)
  put(id, paste0(prefix, "deff"), deff(m))
  by_d <- suppressWarnings(svyby(~y, ~d, d, svymean, na.rm = TRUE, deff = TRUE))
  put(id, paste0(prefix, "domain_deff"), by_d$DEff.y, by_d$d)
  r <- svyratio(~y, ~x, d, na.rm = TRUE)
  put(id, paste0(prefix, "ratio"), c(coef(r), SE(r)), c("estimate", "se"))
  t <- svyttest(y ~ g2, d)
  put(id, paste0(prefix, "ttest"), c(t$estimate, t$statistic, t$parameter, t$p.value, t$conf.int),
      c("difference", "statistic", "df", "p_value", "ci_low", "ci_high"))
})
write_results("estimators")
