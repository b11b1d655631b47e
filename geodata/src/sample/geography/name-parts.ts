/**
 * Building blocks of plausible 台州 place names. Village names in the region typically join a
 * clan surname or a position word with a landform (岙 cove, 垟/洋 flat field, 塘 embankment,
 * 坑 gully, 屿 islet, 岩 rock …); streets take auspicious or local words plus 路/街/大道.
 */

/** Common surnames in 台州 (陈, 林, 王 … lead the local counts). */
export const SURNAMES = [
  '陈', '林', '王', '李', '张', '黄', '叶', '徐', '周', '吴', '郑', '金', '蒋', '杨', '朱', '应', '潘',
  '许', '卢', '梁', '胡', '何', '罗', '赵', '章', '方', '戴', '阮', '鲍', '颜', '柯', '郭', '牟', '泮',
  '蔡', '管', '包', '娄', '缪', '屈', '褚', '丁', '孙', '毛', '范', '江', '解', '葛',
] as const;

/** Position words that start village names (上岙, 下洋 …). */
export const POSITIONS = ['东', '西', '南', '北', '上', '下', '前', '后', '里', '外', '中', '新', '老', '大', '小', '横', '高', '长'] as const;

/** Landforms that end village names. */
export const LANDFORMS = [
  '岙', '垟', '洋', '塘', '桥', '岩', '坑', '山', '湾', '头', '岭', '溪', '坦', '屿', '港', '浦', '埠', '园',
  '田', '畈', '墩', '宅', '家', '店', '庄', '堂', '林', '坑口', '山头', '岙里', '塘下', '桥头', '溪边',
] as const;

/** Auspicious or descriptive characters for names of villages, communities and streets. */
export const GOOD_WORDS = [
  '兴', '和', '安', '平', '丰', '盛', '福', '康', '宁', '泰', '华', '新', '永', '长', '明', '光', '清', '秀',
  '瑞', '荣', '德', '仁', '义', '文', '昌', '隆', '祥', '乐', '春', '青', '云', '龙', '凤', '鹤', '松', '竹',
  '梅', '桃', '杏', '枫', '樟', '柏', '石', '金', '玉', '水', '江', '河', '湖', '海', '沙', '蒲', '芦', '莲',
  '花', '锦', '翠', '阳', '星', '月', '虹', '澄', '洪', '椒', '灵', '赤', '仙', '天', '泽', '丹', '桂', '兰',
] as const;

/** Second characters that make two-character place words (东山, 锦江, 枫南 …). */
export const SECOND_WORDS = [
  '山', '江', '湖', '溪', '河', '园', '城', '苑', '庭', '湾', '桥', '门', '田', '洋', '塘', '岭', '岩', '坊',
  '港', '州', '林', '海', '源', '泉', '华', '安', '宁', '兴', '丰', '和', '南', '北', '东', '西', '阳', '景',
] as const;

/** Street name endings, weighted towards 路. */
export const STREET_SUFFIXES = ['路', '路', '路', '街', '大道'] as const;

/** Peak name tails. */
export const PEAK_SUFFIXES = ['山', '尖', '岗', '峰', '岩', '顶', '岭'] as const;

/** Stream name endings (溪 most often). */
export const STREAM_SUFFIXES = ['溪', '溪', '坑', '港', '涧'] as const;

/** Kinds of schools for POI names. */
export const SCHOOL_KINDS = ['小学', '中心小学', '中学', '初级中学', '实验学校', '幼儿园', '高级中学'] as const;

/** Other points of interest: health, parks, markets, services. */
export const OTHER_POI_KINDS = [
  '卫生院', '社区卫生服务中心', '公园', '农贸市场', '派出所', '文化礼堂', '汽车站', '邮政支局', '菜市场', '体育馆',
  '图书馆', '便民服务中心', '养老院', '加油站', '商场', '广场', '湿地公园', '文化公园', '农商银行',
] as const;
