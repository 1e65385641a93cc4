# R survey's other estimators on the random designs of designs.R (the same seeds draw the same samples, so
# tests/test_r_parity_estimators.py rebuilds them from designs_data.csv).
#
#   Rscript tests/r/estimators.R [OUT_DIR]     (from the repository root)
#
# Writes estimators.csv (case = design number): svymean(deff = TRUE) on the whole sample and by domain (svyby),
# on the base and the post-stratified design; svyratio(~y, ~x, na.rm = TRUE); svyttest(y ~ g2).
source(file.path("tests", "r", "common.R"))
options(survey.lonely.psu = "adjust")

id <- 0
for (kind in KINDS) {
  for (k in 1:8) {
    id <- id + 1
    s <- draw_sample(id, kind)
    des <- make_design(s)
    n_g1 <- tapply(s$w, s$g1, sum) * c(1.10, 0.90, 1.05)
    ps <- postStratify(des, ~g1, data.frame(g1 = names(n_g1), Freq = as.numeric(n_g1)))
    for (prefix in c("", "poststratified_")) {
      d <- if (prefix == "") des else ps
      m <- svymean(~y, d, na.rm = TRUE, deff = TRUE)
      put(id, paste0(prefix, "deff"), deff(m))
      by_d <- suppressWarnings(svyby(~y, ~d, d, svymean, na.rm = TRUE, deff = TRUE))
      put(id, paste0(prefix, "domain_deff"), by_d$DEff.y, by_d$d)
      r <- svyratio(~y, ~x, d, na.rm = TRUE)
      put(id, paste0(prefix, "ratio"), c(coef(r), SE(r)), c("estimate", "se"))
      t <- svyttest(y ~ g2, d)
      put(id, paste0(prefix, "ttest"), c(t$estimate, t$statistic, t$parameter, t$p.value, t$conf.int),
          c("difference", "statistic", "df", "p_value", "ci_low", "ci_high"))
    }
  }
}
write_results("estimators")
