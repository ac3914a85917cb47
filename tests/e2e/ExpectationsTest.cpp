// The fixture runner must be able to fail: a missing finding and an extra one are both caught.
#include "Expectations.h"

#include <gtest/gtest.h>

using namespace capcycle::testing;

namespace {

TEST(Expectations, ReadsTrailingComments) {
  FindingTable table;
  addExpectations("a.py", "x = 1\nr.s.connect(cb)  # expect: CCY101\ny = 2  # expect: CCY101, CCY103\n"
                          "s = 'expect: CCY999'\n",
                  table);
  EXPECT_EQ(table.size(), 2u);
  EXPECT_EQ(table[FindingKey("a.py", 2)], std::vector<std::string>{"CCY101"});
  EXPECT_EQ(table[FindingKey("a.py", 3)], (std::vector<std::string>{"CCY101", "CCY103"}));
}

TEST(Expectations, MissingAndExtraFindingsAreBothReported) {
  FindingTable expected{{{"a.py", 2}, {"CCY101"}}, {{"a.py", 5}, {"CCY101"}}};
  FindingTable actual{{{"a.py", 2}, {"CCY101"}}, {{"a.py", 9}, {"CCY101"}}};
  EXPECT_EQ(compareFindings(expected, actual),
            (std::vector<std::string>{"missing CCY101 at a.py:5", "unexpected CCY101 at a.py:9"}));
}

TEST(Expectations, CountsRepeatedFindingsOnOneLine) {
  FindingTable expected{{{"a.py", 2}, {"CCY101"}}};
  FindingTable actual{{{"a.py", 2}, {"CCY101", "CCY101"}}};
  EXPECT_EQ(compareFindings(expected, actual),
            std::vector<std::string>{"unexpected CCY101 at a.py:2"});
  EXPECT_TRUE(compareFindings(expected, expected).empty());
}

} // namespace
