# The test of a weight adjustment of nrba::t_test_of_weight_adjustment (nrba 0.3.1), computed with R survey as
# nrba computes it, on jackknife replicates of the random designs of designs.R (tests/test_r_parity_adjustment.py
# rebuilds them from designs_data.csv). nrba is not packaged by Debian: this script stacks the two replicate
# designs as svrep::stack_replicate_designs does and runs nrba's t_test_overlap estimator (svyratio of the
# status-masked variable over the status indicator, covmat = TRUE, na.rm = TRUE; difference Original minus
# Adjusted, its SE from the contrast of the covariance, t on degf(stacked) - 1 degrees of freedom).
#
#   Rscript tests/r/weight_adjustment.R [OUT_DIR]     (from the repository root)
#
# Replicates: JK1 for the cluster designs, JKn otherwise (with the fpc of stratified_fpc; a stratum of one PSU
# removed, survey.lonely.psu = "remove"). Adjusted designs: postStratify(~g1) of the replicate design ("ps_"), and
# postStratify(~g1) of its subset d != "r" ("subset_ps_", fewer rows than the original). Variables y and yb.
source(file.path("tests", "r", "common.R"))
options(survey.lonely.psu = "remove")

stack <- function(a, b) {
  variables <- rbind(a$variables[, c("y", "yb")], b$variables[, c("y", "yb")])
  variables$status <- rep(c("Original", "Adjusted"), c(nrow(a$variables), nrow(b$variables)))
  svrepdesign(data = variables, repweights = rbind(weights(a, "analysis"), weights(b, "analysis")),
              weights = c(weights(a, "sampling"), weights(b, "sampling")), type = a$type, scale = a$scale,
              rscales = a$rscales, mse = a$mse, combined.weights = TRUE)
}

nrba_test <- function(original, adjusted, y) {
  st <- stack(original, adjusted)
  st$variables$g1 <- st$variables$status == "Original"
  st$variables$g2 <- st$variables$status == "Adjusted"
  st$variables$y1 <- st$variables[[y]] * st$variables$g1
  st$variables$y2 <- st$variables[[y]] * st$variables$g2
  r <- svyratio(~y1 + y2, ~g1 + g2, st, covmat = TRUE, na.rm = TRUE)
  means <- c(r$ratio["y1", "g1"], r$ratio["y2", "g2"])
  v <- vcov(r)[c("y1/g1", "y2/g2"), c("y1/g1", "y2/g2")]
  difference <- means[1] - means[2]
  se <- sqrt(as.numeric(t(c(1, -1)) %*% v %*% c(1, -1)))
  df <- degf(st) - 1
  c(original_mean = means[1], adjusted_mean = means[2], difference = difference, se = se,
    statistic = difference / se, df = df, p_value = 2 * pt(abs(difference / se), df, lower.tail = FALSE))
}

for_each_design(function(id, s, prefix, d) {
  if (prefix != "") return(invisible())  # the replicates of the base design, post-stratified below
  rep <- as.svrepdesign(d, type = if (s$kind[1] == "cluster") "JK1" else "JKn")
  n_g1 <- tapply(s$w, s$g1, sum) * c(1.10, 0.90, 1.05)
  pop <- data.frame(g1 = names(n_g1), Freq = as.numeric(n_g1))
  adjusted <- list(ps_ = postStratify(rep, ~g1, pop), subset_ps_ = postStratify(subset(rep, d != "r"), ~g1, pop))
  for (name in names(adjusted)) {
    for (y in c("y", "yb")) put(id, paste0(name, y), nrba_test(rep, adjusted[[name]], y))
  }
})
write_results("weight_adjustment")
