# Design-based linear trend of a share on an effort level: R survey's svyglm(y ~ effort), the slope's row.
# Run from the repository root: Rscript tests/r/effort_trend.R  (writes tests/r/results/effort_trend.csv)
suppressPackageStartupMessages(library(survey))
set.seed(2012)
api <- read.csv("tests/reference/apistrat.csv")
api$y <- as.numeric(api$sch.wide == "Yes")
api$effort <- floor(api$meals / 34)
pop <- read.csv("tests/reference/apipop.csv")
strat <- svydesign(ids = ~1, strata = ~stype, fpc = ~fpc, weights = ~pw, data = api)
raked <- rake(strat, list(~awards), list(data.frame(awards = c("No", "Yes"),
                                                    Freq = as.numeric(table(pop$awards)[c("No", "Yes")]))))
api_na <- api
api_na$y[c(3, 17, 40, 101)] <- NA  # missing answers, left at zero weight by svyglm on a calibrated design
raked_na <- rake(svydesign(ids = ~1, strata = ~stype, fpc = ~fpc, weights = ~pw, data = api_na), list(~awards),
                 list(data.frame(awards = c("No", "Yes"), Freq = as.numeric(table(pop$awards)[c("No", "Yes")]))))
cases <- list(stratified = strat, raked = raked, raked_missing = raked_na)
rows <- do.call(rbind, lapply(names(cases), function(case) {
  fit <- svyglm(y ~ effort, design = cases[[case]])
  s <- coef(summary(fit))
  data.frame(case = case, quantity = c("slope", "se", "p_value", "df"), term = "effort",
             value = c(s["effort", 1], s["effort", 2], s["effort", 4], fit$df.residual))
}))
rows$value <- vapply(rows$value, format, "", digits = 17)
write.csv(rows, "tests/r/results/effort_trend.csv", row.names = FALSE, quote = FALSE)
